export { webPaths, webPlugin } from './plugin.js';
