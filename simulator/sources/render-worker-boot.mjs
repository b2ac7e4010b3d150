// Worker threads do not inherit the main thread's TypeScript loader (tsx): register it here, then start
// the rendering worker written in TypeScript (render-worker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./render-worker.ts');
