// Plugin arguments (pluginConfig[].args) arrive as untyped YAML. A plugin factory checks them and
// throws ArgsError with the path of the bad field inside args, so the scenario loader can point
// at the line.

export class ArgsError extends Error {
  constructor(
    /** Path inside the plugin's args, e.g. ['scoringStrategy', 'resources', 0, 'weight']. */
    readonly path: (string | number)[],
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
