export { exampleDashboard, webPaths, webPlugin } from './plugin.js';
