import { whisperFamily } from '../models/asr/whisperFamily';
import { serveModelWorker } from './serveModelWorker';

serveModelWorker(whisperFamily);
