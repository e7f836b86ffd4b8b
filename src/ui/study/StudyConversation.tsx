import { useAppState, useAssistant } from '../assistantContext';
import { type AppState } from '../../state/store';
import { ConversationView } from '../ConversationView';
import { LevelMeter } from '../LevelMeter';
import { PlaybackHint } from '../PlaybackHint';
import { TalkControl } from '../TalkControl';
import { LimitCountdown } from './LimitCountdown';

const inputLevel = (state: AppState) => state.inputLevelDb;
const outputLevel = (state: AppState) => state.outputLevelDb;

/** The normal talk controls and captions, with what is left of the conversation and a way to end it. */
export function StudyConversation() {
  const { study } = useAssistant();
  const ending = useAppState((s) => s.study.phase === 'ending');
  return (
    <>
      <section className="study-limits" aria-label="Time and turns">
        <LimitCountdown />
        {ending ? (
          <p role="status" data-testid="study-ending">
            Finishing the conversation…
          </p>
        ) : (
          <button type="button" onClick={() => void study.endConversationNow()} data-testid="end-conversation">
            End conversation
          </button>
        )}
      </section>
      {!ending && <TalkControl />}
      <LevelMeter label="You" level={inputLevel} testId="input-meter" />
      <LevelMeter label="Voice" level={outputLevel} testId="output-meter" />
      <PlaybackHint />
      <ConversationView />
    </>
  );
}
