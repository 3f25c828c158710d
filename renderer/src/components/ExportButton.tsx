import { useEffect, useState } from 'react';
import type { ExportProgress, ExportScope } from '../../../shared/engine-api';
import { preloadBridge } from '../api/engine-client';
import { useEngine } from '../api/use-engine';

/** Starts an export and shows its progress, then links to the files. */
export function ExportButton({ scope, label }: { scope: ExportScope; label: string }) {
  const engine = useEngine();
  const bridge = preloadBridge();
  const [exportId, setExportId] = useState<string | null>(null);
  // Progress of every export, kept from the start: a small one can finish before startExport answers.
  const [progressById, setProgressById] = useState<Record<string, ExportProgress>>({});
  const [error, setError] = useState<string | null>(null);
  const progress = exportId ? (progressById[exportId] ?? null) : null;

  useEffect(
    () => engine.on('exportProgress', (p) => setProgressById((all) => ({ ...all, [p.exportId]: p }))),
    [engine],
  );

  const start = async () => {
    setError(null);
    setExportId(null);
    try {
      const { exportId: id } = await engine.api.startExport({ scope });
      setExportId(id);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const token = new URLSearchParams(location.search).get('token');
  const busy = exportId !== null && !progress?.finished;
  return (
    <div className="export">
      <button type="button" onClick={start} disabled={busy}>
        {label}
      </button>
      {busy && (
        <progress
          className="export-progress"
          max={progress?.total || 1}
          value={progress?.done ?? 0}
          aria-label={`${label}: progress`}
        />
      )}
      {progress?.finished &&
        (progress.error ? (
          <span className="error">Export failed: {progress.error}</span>
        ) : (
          <span className="export-files">
            {progress.files.map((f) =>
              // On the desktop the file is saved through a native dialog; in a browser it downloads.
              bridge ? (
                <button
                  key={f.name}
                  type="button"
                  className="link"
                  onClick={() => void bridge.saveExport(progress.exportId, f.name)}
                >
                  Save {f.name}…
                </button>
              ) : (
                <a
                  key={f.name}
                  href={`${f.href}${token ? `?token=${encodeURIComponent(token)}` : ''}`}
                  download={f.name}
                >
                  {f.name}
                </a>
              ),
            )}
          </span>
        ))}
      {error && <span className="error">{error}</span>}
    </div>
  );
}
