// Task module for the ody-task side of the `task` benchmark.
import { defineTasks } from '@ody/task/worker';
import { spin } from './spin.mjs';

export default defineTasks({
  spin: (us) => spin(us),
});
