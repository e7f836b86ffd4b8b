import { kokoroFamily } from '../models/tts/kokoroFamily';
import { serveModelWorker } from './serveModelWorker';

serveModelWorker(kokoroFamily, () => ({}));
