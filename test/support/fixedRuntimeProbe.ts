// A runtime probe with fixed answers, so manifests in tests do not depend on the machine's Python or Quarto.
import type { RuntimeProbe } from '../../src/core/publish/content/runtimeVersions';

export function fixedRuntimeProbe(versions: { python?: string; quarto?: string }): RuntimeProbe {
  return { python: async () => versions.python, quarto: async () => versions.quarto };
}
