// Minimal types for the parts of autocannon the http suite uses (the package ships none).
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    method?: string;
    body?: string;
    headers?: Record<string, string>;
  }
  interface Result {
    requests: { average: number; total: number };
    latency: { p99: number };
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
