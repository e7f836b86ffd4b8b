/** Feature frames per batch the capture hands the listener: one (10 ms), so that a duck waits for no batch to fill. */
export const LISTEN_BATCH_FRAMES = 1;
