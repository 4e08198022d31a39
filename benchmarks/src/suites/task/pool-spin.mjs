// Piscina / Tinypool task file: spin for `us` microseconds (same function as the ody-task side).
import { spin } from './spin.mjs';

export default (us) => spin(us);
