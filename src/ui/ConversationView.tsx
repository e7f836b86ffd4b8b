import { useAppState } from './assistantContext';
import type { DialogueTurn } from '../conversation/dialogue';
import type { SpokenSpan } from '../state/speechSlice';
import { describePrompt, describeRoute } from '../conversation/replyRoute';

/** The reply text with the part being spoken marked, for captions that follow the voice. */
function SpokenText({ text, span }: { text: string; span: SpokenSpan | null }) {
  if (!span) return <>{text}</>;
  return (
    <>
      {text.slice(0, span.startChar)}
      <mark data-testid="spoken">{text.slice(span.startChar, span.endChar)}</mark>
      {text.slice(span.endChar)}
    </>
  );
}

function TurnBubble({ turn, speaking }: { turn: DialogueTurn; speaking: SpokenSpan | null }) {
  if (turn.kind === 'user') {
    return (
      <li className="bubble bubble-user" data-testid="user-turn">
        <span className="speaker">You</span>
        <p>{turn.transcript || <em>(nothing recognised)</em>}</p>
        <span className="meta">
          {turn.strategy} · {turn.energyDb.toFixed(1)} dB{turn.cues.wordsPerSecond !== null ? ` · ${turn.cues.wordsPerSecond.toFixed(1)} words/s` : ''}
        </span>
      </li>
    );
  }
  const status = turn.streaming ? 'streaming' : turn.failed ? 'failed' : turn.interrupted ? 'interrupted' : 'done';
  return (
    <li className={`bubble bubble-assistant is-${status}`} data-testid="assistant-turn" data-status={status} aria-busy={turn.streaming}>
      <span className="speaker">Assistant</span>
      <p data-testid="assistant-text">
        <SpokenText text={turn.text} span={speaking?.replyId === turn.id ? speaking : null} />
        {turn.streaming && <span className="caret" aria-hidden="true" />}
        {!turn.streaming && !turn.interrupted && !turn.failed && turn.text.trim() === '' && <em>(the model ended its reply without a word)</em>}
      </p>
      {turn.route && (
        <span className="meta" data-testid="reply-route" data-path={turn.route.path} data-speech-tokens={turn.route.speechTokens ?? ''}>
          {describeRoute(turn.route)}
        </span>
      )}
      {turn.prompt && (
        <span className="meta" data-testid="reply-prompt" data-prompt-tokens={turn.prompt.tokens} data-prefilled-tokens={turn.prompt.prefilledTokens} data-dropped-turns={turn.prompt.droppedTurns}>
          {describePrompt(turn.prompt)}
        </span>
      )}
      {turn.interrupted && !turn.failed && <span className="meta">interrupted</span>}
      {turn.failed && <span className="meta problem">stopped early</span>}
    </li>
  );
}

/** What a screen reader hears: each transcript as it arrives, each reply once it is written, never token by token. */
function finishedCaption(turns: readonly DialogueTurn[]): string {
  const latest = turns.at(-1);
  if (!latest) return '';
  if (latest.kind === 'user') return `You said: ${latest.transcript || 'nothing recognised'}`;
  if (latest.streaming) return '';
  return `Assistant${latest.interrupted ? ' (interrupted)' : ''}: ${latest.text}`;
}

/** Captions for both sides: the user's transcripts and the assistant's replies as they stream. */
export function ConversationView() {
  const turns = useAppState((s) => s.dialogue.turns);
  const transcribing = useAppState((s) => s.transcribing);
  const notice = useAppState((s) => s.conversationNotice);
  const speaking = useAppState((s) => s.speaking);
  const voice = useAppState((s) => s.voice);
  const ttfaMs = useAppState((s) => s.lastTtfaMs);

  return (
    <section className="conversation" aria-label="Conversation">
      <h2>Conversation</h2>
      {turns.length === 0 && !transcribing && <p className="empty">Your words and the replies appear here.</p>}
      <ol className="bubbles">
        {turns.map((turn) => (
          <TurnBubble key={turn.id} turn={turn} speaking={speaking} />
        ))}
      </ol>
      <p className="visually-hidden" aria-live="polite" data-testid="caption-announcer">
        {finishedCaption(turns)}
      </p>
      {voice && (
        <p className="note" data-testid="voice">
          Voice: {voice.strategy} preset at {voice.speed}x ({voice.styleSource === 'presets' ? 'style from voice presets: no style encoder in this pack' : 'blended with the style of your own turns, quieter turns weighing more'})
          {ttfaMs !== null ? ` · first audio ${ttfaMs.toFixed(0)} ms after your turn ended` : ''}
        </p>
      )}
      {transcribing && (
        <p className="note" data-testid="transcribing" role="status">
          Transcribing…
        </p>
      )}
      {notice && (
        <p className="talk-problem" role="alert" data-testid="conversation-notice">
          {notice}
        </p>
      )}
    </section>
  );
}
