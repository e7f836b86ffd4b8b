import type { FileProgress } from '../loadModel';
import { isGraphServedFromCache } from './graphsFromCache';

interface TransformersProgress {
  status: string;
  /** The model's id, as it was asked for. */
  name?: string;
  file?: string;
  loaded?: number;
  total?: number;
}

/** Turns transformers.js' progress_callback events into per-file byte progress, but for graphs whose files the model cache reports. */
export function progressForwarder(onFileProgress: (progress: FileProgress) => void): (event: unknown) => void {
  return (event) => {
    const { status, name, file, loaded, total } = event as TransformersProgress;
    if (!file || (name !== undefined && isGraphServedFromCache(name, file))) return;
    if (status === 'progress' && loaded !== undefined) {
      onFileProgress({ file, loadedBytes: loaded, ...(total ? { totalBytes: total } : {}) });
    } else if (status === 'done' && total) {
      onFileProgress({ file, loadedBytes: total, totalBytes: total });
    }
  };
}
