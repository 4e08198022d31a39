// Task module for the ody-task side of the `task` benchmark.
import { defineTasks } from '@ody/task/worker';

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export default defineTasks({
  add: (p) => p.a + p.b,
  fib: (n) => fib(n),
});
