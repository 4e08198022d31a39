export { type CliArgs, parseCliArgs, usage } from './args.js';
export { CreateAppError, type CreateErrorCode, errorCodes as createOdyAppErrorCodes } from './errors.js';
export { detectPackageManager, type PackageManager, packageManagers, runCommand } from './package-manager.js';
export { type RunIo, run } from './run.js';
export { ownVersion, type ScaffoldOptions, scaffold, validatePackageName } from './scaffold.js';
export { defaultTemplate, type TemplateName, templates } from './templates.js';
