// Everyday English words that a web-trained BPE holds as whole tokens but Markdown docs rarely use (feelings,
// conversation). Added to the corpus's counts so that replies tokenize like real ones (~1.2-1.3 tokens per word).
import { llmVocabulary } from '../../tinyPack/llmVocab';

const EVERYDAY = `
sorry sounds sound weeks week months month years year morning evening night afternoon weekend
would could should might must shall wish wished hoping hoped wonder wondering
exhausting exhausted exhaustion overwhelmed overwhelming weighing weigh weight heavy lighter
anxious anxiety stress stressful worry worries worrying panic afraid fear fears scared nervous tense
sad sadness lonely loneliness alone isolated grief grieving loss lost miss missing hurt hurting pain painful
angry anger annoyed frustrated frustrating upset disappointed guilty shame ashamed embarrassed jealous
happy happiness joy glad excited proud relieved grateful thankful calm peaceful hopeful confident
tired sleepy sleep slept rest resting relax relaxing breathe breathing breath deep
friend friends family parents mother father mom dad sister brother partner husband wife child children kids
boss colleague colleagues coworker job work working worked office meeting meetings deadline deadlines project
school class exam exams study studying teacher homework college university
feel feels feeling feelings felt emotion emotions mood moods mind heart body health healthy sick ill doctor
talk talking talked share sharing listen listening listened understand understanding understood support supporting
really truly honestly maybe perhaps probably certainly definitely absolutely completely totally quite pretty
something anything nothing everything someone anyone everyone nobody somebody somewhere anywhere everywhere
today tonight tomorrow yesterday lately recently always never sometimes often usually again already still
little bit lot lots enough more most less least much many few several whole half
good bad better worse best worst great fine okay nice hard easy difficult simple tough rough gentle kind
important matter matters okay alright right wrong true false sure unsure clear unclear
help helps helped helping advice suggest suggestion idea ideas plan plans step steps small big first next last
walk walking run running eat eating drink drinking water coffee tea food dinner lunch breakfast
home house room bed car town city outside inside weather rain sun cold warm
life living live lived world people person human place time times moment moments day days hour hours minute
make makes made making take takes took taking give gives gave giving get gets got getting go goes went going
come comes came coming know knows knew knowing think thinks thought thinking want wants wanted wanting
need needs needed needing try tries tried trying seem seems seemed look looks looked looking
tell tells told telling say says said saying ask asks asked asking call called keep kept let lets
start started starting stop stopped finish finished change changed changing happen happened happening
sense makes reason reasons because though although however while since until unless whether either neither
thank thanks please welcome hello hi hey goodbye bye yes yeah no not
`;

/** [piece, extra count] pairs: each word with a leading space, capitalised, and at a line start. */
export function commonWordCounts(): [string, number][] {
  const words = new Set([...EVERYDAY.split(/\s+/), ...llmVocabulary().filter((token) => /^[a-z]{2,}$/.test(token))].filter((word) => word.length > 1));
  const capital = (word: string) => word[0]!.toUpperCase() + word.slice(1);
  return [...words].flatMap((word): [string, number][] => [
    [` ${word}`, 60],
    [` ${capital(word)}`, 12],
    [capital(word), 6],
  ]);
}
