import { useAppState, useAssistant } from '../assistantContext';

/** A log that cannot be saved (a full quota) is said plainly, with what to do; nothing is dropped meanwhile. */
export function StorageNotice() {
  const { study } = useAssistant();
  const storage = useAppState((s) => s.study.storage);
  if (storage.problem === null) return null;
  return (
    <section className="study-storage" role="alert" data-testid="study-storage-problem" data-unsaved={storage.unsaved}>
      <p>{storage.problem}</p>
      <button type="button" onClick={() => study.retrySaving()}>
        Try saving again
      </button>
    </section>
  );
}
