import { llmFamily } from '../models/llm/llmFamily';
import { serveModelWorker } from './serveModelWorker';

serveModelWorker(llmFamily);
