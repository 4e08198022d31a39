// Piscina task file: trivial add.
export default ({ a, b }) => a + b;
