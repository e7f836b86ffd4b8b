// Benchmarks only: random weights write noise, so for timing the language model is made to write this reply, token by
// token at its own pace (bench:turn, in Node and through the page's benchmark setting; see ForcedTokensProcessor).

/** 43 words in three sentences with clause breaks: the shape (not the content) of a short ES4R-style reply. */
export const FIXED_REPLY =
  "I'm so sorry you're going through this, it sounds really hard. It makes sense that you feel tired and a little lost right now. " +
  "You don't have to sort it all out today; let's take it one small step at a time, together.";
