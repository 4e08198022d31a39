// Piscina task file: CPU-bound recursive Fibonacci.
function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
export default (n) => fib(n);
