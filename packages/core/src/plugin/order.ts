import { CoreError } from '../errors.js';
import { type AnyPlugin, isPlugin } from './define.js';

function validate(plugins: readonly AnyPlugin[]): void {
  plugins.forEach((plugin, index) => {
    if (!isPlugin(plugin)) {
      throw new CoreError('ODY_PLUGIN_INVALID', `plugins[${index}] was not made by definePlugin().`, {
        details: { index },
      });
    }
    if (typeof plugin.name !== 'string' || plugin.name.trim() === '') {
      throw new CoreError('ODY_PLUGIN_INVALID', `plugins[${index}] has no name; give it a unique name.`, {
        details: { index },
      });
    }
    for (const hook of ['register', 'boot', 'shutdown'] as const) {
      if (plugin[hook] !== undefined && typeof plugin[hook] !== 'function') {
        throw new CoreError('ODY_PLUGIN_INVALID', `Plugin '${plugin.name}' has a ${hook} that is not a function.`, {
          details: { plugin: plugin.name, hook },
        });
      }
    }
  });
  const seen = new Map<string, number>();
  plugins.forEach((plugin, index) => {
    const first = seen.get(plugin.name);
    if (first !== undefined) {
      throw new CoreError(
        'ODY_PLUGIN_DUPLICATE',
        `Plugin name '${plugin.name}' is used twice (plugins[${first}] and plugins[${index}]). Plugin names must be unique.`,
        { details: { plugin: plugin.name, indexes: [first, index] } },
      );
    }
    seen.set(plugin.name, index);
  });
}

/**
 * Order plugins so each comes after what it depends on, keeping the given order otherwise.
 * Throws naming the plugins for a missing dependency or a cycle (the cycle is printed).
 */
export function orderPlugins(plugins: readonly AnyPlugin[]): AnyPlugin[] {
  validate(plugins);
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const depsOf = (p: AnyPlugin): string[] => {
    for (const dep of p.dependsOn ?? []) {
      if (!byName.has(dep)) {
        throw new CoreError(
          'ODY_PLUGIN_MISSING_DEPENDENCY',
          `Plugin '${p.name}' depends on '${dep}', which is not in the plugin list. Add the '${dep}' plugin to createApplication({ plugins }).`,
          { details: { plugin: p.name, missing: dep } },
        );
      }
    }
    return [...(p.dependsOn ?? []), ...(p.optionalDependsOn ?? []).filter((d) => byName.has(d))];
  };
  const ordered: AnyPlugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (p: AnyPlugin): void => {
    const s = state.get(p.name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(p.name)), p.name];
      throw new CoreError('ODY_PLUGIN_CYCLE', `Plugins depend on each other in a cycle: ${cycle.join(' -> ')}.`, {
        details: { cycle },
      });
    }
    state.set(p.name, 'visiting');
    stack.push(p.name);
    for (const dep of depsOf(p)) visit(byName.get(dep)!);
    stack.pop();
    state.set(p.name, 'done');
    ordered.push(p);
  };
  for (const p of plugins) visit(p);
  return ordered;
}
