import { useAssistant } from '../assistantContext';
import { useEffect } from 'react';

/** On the normal page: open a study file the researcher picks (or the one named by ?study= in the URL, at load). */
export function StudyOpener() {
  const { study } = useAssistant();
  useEffect(() => study.start(), []);
  return (
    <details className="settings study-opener">
      <summary>User study</summary>
      <p className="note">
        Open a study file (see the README, "User studies"), or load the page with <code>?study=/studies/example.json</code>.
      </p>
      <label>
        Study file
        <input
          type="file"
          accept="application/json,.json"
          data-testid="study-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void study.openFromFile(file);
          }}
        />
      </label>
    </details>
  );
}
