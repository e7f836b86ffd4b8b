import type { ModelSlot } from './modelHandlers';

/** The loaded model, or a clear error when a family method is called before `load` finished. */
export function requireModel<M>(slot: ModelSlot<M>): M {
  if (!slot.current) throw new Error('the model is not loaded yet');
  return slot.current;
}
