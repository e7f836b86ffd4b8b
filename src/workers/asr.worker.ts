import { whisperFamily } from '../models/asr/whisperFamily';
import { createAsrHandlers } from './asrHandlers';
import { componentFileReader } from './componentFileReader';
import { serveModelWorker } from './serveModelWorker';

serveModelWorker(whisperFamily, (slot) => ({ handlers: createAsrHandlers(slot, componentFileReader) }));
