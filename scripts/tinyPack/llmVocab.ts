/** Special tokens of the tiny LLM, ChatML style (ids 0-3). */
export const LLM_SPECIAL_TOKENS = {
  pad: '<|endoftext|>',
  imStart: '<|im_start|>',
  imEnd: '<|im_end|>',
  unk: '<unk>',
} as const;

const PUNCTUATION = ['.', ',', '!', '?', "'", '-', ':'];

/** Role names, contraction pieces (the Whitespace pre-tokenizer splits "it's" into it ' s) and everyday words for empathetic turns. */
const WORDS = `
system user assistant
i you we he she they it me my your our us them this that these those there here
a an the and or but so if then because when while as at in on of to for with about from by up down out over
is am are was were be been being do does did done have has had can could will would should may might must shall
not no yes very really just too also still even only much more most less little bit lot some any all every each
what why how who where which
feel feeling felt feelings sound sounds sounded seem seems hear heard listen listening understand understood know
think thought want need hope wish try trying tried help helps helped talk talking said say tell share sharing
hard tough difficult heavy tired exhausted stressed worried anxious afraid scared sad upset lonely alone angry
frustrated overwhelmed hurt lost confused nervous calm okay ok fine good great better best glad happy proud
grateful safe kind gentle brave strong patient normal natural valid real right wrong
sorry thank thanks please welcome
time times day days week today tonight tomorrow yesterday moment now soon later again always never sometimes often
step steps one two three first next last small big long short slow slowly easy
work job school home family friend friends people someone anyone everyone yourself myself
breath breathe rest sleep eat walk water break pause
go going went come coming get got make makes made take takes took let give keep keeps find found look see
care cares support together
s t m re ve ll d
mind heart body head life world things thing way ways plan problem problems question answer
deal dealing cope coping handle manage matter matters worth enough
encourage comfort neutral strategy energy voice
hello hi bye goodbye well oh hmm yeah
love like liked loves miss missed
`;

/** The vocabulary in id order: specials, punctuation, then words (unique). */
export function llmVocabulary(): string[] {
  const words = WORDS.split(/\s+/).filter((word) => word.length > 0);
  return [...new Set([...Object.values(LLM_SPECIAL_TOKENS), ...PUNCTUATION, ...words])];
}
