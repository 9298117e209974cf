/**
 * A Kysely plugin that holds one query's result until the test lets it go, so a test can act
 * at an exact point of a background loop (after its query ran, before it sees the answer).
 * Queries still run on the real database; only the hand-back waits.
 */
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

export class QueryGate implements KyselyPlugin {
  #hold: ((release: () => void) => void) | undefined;

  /** Holds the next query's result; resolves, once one is held, with the function that releases it. */
  arm(): Promise<() => void> {
    return new Promise((resolve) => (this.#hold = resolve));
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const hold = this.#hold;
    if (hold !== undefined) {
      this.#hold = undefined;
      await new Promise<void>((release) => hold(release));
    }
    return args.result;
  }
}
