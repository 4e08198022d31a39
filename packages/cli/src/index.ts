export { type Check, doctor } from './commands/doctor.js';
export { CliError, type CliErrorCode, errorCodes } from './errors.js';
export { type Generated, type GeneratedFile, generators, type Kind, kinds } from './make/generators.js';
export { type MakeResult, make } from './make/make.js';
export { type Names, names } from './make/names.js';
export { createProgram, exitCodes, main } from './program.js';
export { findProject, type Project } from './project.js';
