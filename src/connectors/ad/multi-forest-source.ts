// Several forests read as the engine's one DirectorySource (an installation with more than one forest). Each forest
// keeps its own connection and watermark (forest-watermarks.ts); a cycle reads every forest, then the engine exports
// once. Do no harm across forests: a forest that cannot be read (DC down, credentials refused, TLS failure) is
// reported by name (parts.outcomes()) and contributes no deletion — each of its objects a listing missed is answered
// 'unconfirmed' — while the others are synchronised. A forest's name is its DNS root; its objects' DNs end in it.
import { DirSyncError, StopRequestedError } from '../../core/errors.ts';
import type { Reporter } from '../../core/reporter.ts';
import { directoryImport } from '../../engine/directory-import.ts';
import type { ImportChange, Watermark } from '../../engine/model.ts';
import {
  isWatermarkRejected,
  type DeletionCandidate,
  type DeletionVerdict,
  type DirectoryImport,
  type ListingCoverage,
  type SourceParts,
} from '../../engine/ports.ts';
import type { ObjectDirectory, ObjectExamination } from './object-directory.ts';
import { domainDnOfDnsName, isDnWithin, isRdnSuffix, parseDn, type NormalizedRdn } from './distinguished-name.ts';
import { confirmAcrossForests } from './forest-confirmations.ts';
import { ForeignPrincipalResolver, type ForeignPrincipals } from './foreign-principals.ts';
import { decodeForestWatermarks, encodeForestWatermarks } from './forest-watermarks.ts';
import type { DirectoryIdentity, FoundObject } from './object-finder.ts';

/** What the composite needs of one forest's reader (ActiveDirectorySource). */
export interface ForestReader extends ObjectDirectory {
  domainSid(): Promise<string>;
  anchorOfSid(sid: string): Promise<string | undefined>;
}

export interface ForestDefinition {
  /** The forest's DNS root (fabrikam.example.test). */
  name: string;
  /** Its reader, given the other forests for the group members that come from them. */
  open(foreignPrincipals: ForeignPrincipals): ForestReader;
}

export interface MultiForestOptions {
  /** Forests being removed from the installation: their objects, as deletion candidates, are out of scope. */
  withdrawn?: readonly string[];
  output?: Pick<Reporter, 'warning' | 'verbose'>;
}

export interface Forest {
  name: string;
  rdns: NormalizedRdn[];
  reader: ForestReader;
}

export class MultiForestSource implements ObjectDirectory {
  readonly parts: SourceParts;
  readonly #forests: Forest[];
  readonly #withdrawn: { name: string; rdns: NormalizedRdn[] }[];
  readonly #output: MultiForestOptions['output'];
  /** This cycle's: the forests that could not be read, what is worth reporting, the foreign members resolved. */
  readonly #problems = new Map<string, DirSyncError>();
  readonly #notices = new Map<string, Set<string>>();
  readonly #foreignPrincipals: ForeignPrincipalResolver;

  constructor(definitions: readonly ForestDefinition[], options: MultiForestOptions = {}) {
    if (definitions.length === 0) throw new DirSyncError('Internal.unexpected', 'a multi-forest source needs at least one forest');
    this.#output = options.output;
    this.#forests = definitions.map((definition) => {
      const forest = { name: definition.name, rdns: parseDn(domainDnOfDnsName(definition.name)) } as Forest;
      forest.reader = definition.open({
        resolve: (sid) => this.#foreignPrincipals.resolve(sid, forest.name),
        notice: (message) => this.#notice(forest, message),
      });
      return forest;
    });
    this.#foreignPrincipals = new ForeignPrincipalResolver(this.#forests, {
      isUnread: (name) => this.#problems.has(name),
      fail: (name, error) => this.#fail(this.#forests.find((forest) => forest.name === name)!, error),
    });
    this.#withdrawn = (options.withdrawn ?? []).map((name) => ({ name, rdns: parseDn(domainDnOfDnsName(name)) }));
    this.parts = {
      partOf: (dn) => this.#forestOf(dn)?.name,
      outcomes: () =>
        this.#forests.map((forest) => ({
          name: forest.name,
          problem: this.#problems.get(forest.name),
          notices: [...(this.#notices.get(forest.name) ?? [])],
        })),
    };
  }

  fullImport(): DirectoryImport {
    this.#beginCycle();
    return directoryImport(this.#importEach(new Map(), (forest) => forest.reader.fullImport()));
  }

  deltaImport(watermark: Watermark): DirectoryImport {
    this.#beginCycle();
    const previous = decodeForestWatermarks(watermark, this.#forests[0]!.name);
    return directoryImport(
      this.#importEach(previous, (forest) => {
        const own = previous.get(forest.name);
        if (own !== undefined) return forest.reader.deltaImport(own);
        this.#output?.verbose(`${forest.name} has no watermark yet: its full import runs within this delta.`);
        return forest.reader.fullImport();
      }),
    );
  }

  /**
   * The objects as they are now, asked of every forest read this cycle (an anchor names no forest): an upsert where
   * one holds it in scope; a delete when one holds it out of scope, or when every forest answered and none holds it.
   */
  readObjects(anchors: readonly string[]): AsyncIterable<ImportChange> {
    return this.#readObjects(anchors);
  }

  listScope(): AsyncIterable<DeletionCandidate> {
    return this.#listScope();
  }

  coverage(): ListingCoverage | undefined {
    const coverages = this.#readable().flatMap((forest) => forest.reader.coverage() ?? []);
    if (coverages.length === 0) return undefined;
    return { searchBases: coverages.flatMap((coverage) => coverage.searchBases), contains: (searchBase, dn) => isDnWithin(dn, searchBase) };
  }

  /** Each candidate is asked of the forest its DN is in; one in no configured forest, of every forest. */
  confirmDeletions(candidates: readonly DeletionCandidate[]): AsyncIterable<DeletionVerdict> {
    return confirmAcrossForests(candidates, {
      forests: this.#forests,
      forestOf: (dn) => this.#forestOf(dn),
      withdrawnOf: (dn) => this.#withdrawn.find((entry) => isRdnSuffix(parseDnOrEmpty(dn), entry.rdns))?.name,
      problemOf: (forest) => this.#problems.get(forest.name),
      fail: (forest, error) => this.#fail(forest, error),
    });
  }

  /** The accounts the forests are read with (explain, sync --object). */
  get account(): string {
    return this.#forests.map((forest) => forest.reader.account).join(', ');
  }

  /** By DN, in the forest the DN is in; by UPN, in each forest until one holds it. */
  async findObject(identity: DirectoryIdentity): Promise<FoundObject> {
    const forests = 'dn' in identity ? [this.#forestOf(identity.dn)].filter((forest) => forest !== undefined) : this.#forests;
    let notFound: FoundObject = { found: false };
    for (const forest of forests) {
      const found = await forest.reader.findObject(identity);
      if (found.found) return found;
      if (found.deniedAt !== undefined) notFound = found;
    }
    return notFound;
  }

  /** In the forest its DN is in; an object with no DN (or one in no forest), in each forest until one holds it. */
  async examineObject(candidate: DeletionCandidate): Promise<ObjectExamination> {
    const forest = this.#forestOf(candidate.dn);
    if (forest !== undefined) return forest.reader.examineObject(candidate);
    let examination: ObjectExamination | undefined;
    for (const other of this.#forests) {
      examination = await other.reader.examineObject(candidate);
      if (examination.state !== 'gone') return examination;
    }
    return examination!;
  }

  async close(): Promise<void> {
    for (const forest of this.#forests) await forest.reader.close();
  }

  #beginCycle(): void {
    this.#problems.clear();
    this.#notices.clear();
    this.#foreignPrincipals.reset();
  }

  async *#importEach(previous: ReadonlyMap<string, Watermark>, start: (forest: Forest) => DirectoryImport): AsyncGenerator<ImportChange, Watermark> {
    const reached = new Map<string, Watermark>();
    for (const forest of this.#forests) {
      if (!this.#problems.has(forest.name)) {
        try {
          const run = start(forest);
          yield* run.changes;
          reached.set(forest.name, run.watermark());
          continue;
        } catch (error) {
          // The engine re-reads every forest in full: only a full import finds what a refused delta would have missed.
          if (isWatermarkRejected(error))
            throw new DirSyncError('ActiveDirectory.watermark-rejected', `${forest.name}: ${error.message}`, { cause: error });
          this.#fail(forest, error);
        }
      }
      // Unread this cycle: the next one resumes where this forest's last import ended.
      const kept = previous.get(forest.name);
      if (kept !== undefined) reached.set(forest.name, kept);
    }
    return encodeForestWatermarks(
      reached,
      this.#forests.map((forest) => forest.name),
    );
  }

  async *#readObjects(anchors: readonly string[]): AsyncGenerator<ImportChange> {
    let remaining = [...anchors];
    const deletes = new Map<string, ImportChange & { op: 'delete' }>();
    let everyForestAnswered = true;
    for (const forest of this.#forests) {
      if (remaining.length === 0) break;
      if (this.#problems.has(forest.name)) {
        everyForestAnswered = false;
        continue;
      }
      const upserted = new Set<string>();
      try {
        for await (const change of forest.reader.readObjects(remaining)) {
          if (change.op === 'upsert') {
            upserted.add(change.object.anchor);
            yield change;
          } else if (change.reason === 'out-of-scope' || !deletes.has(change.anchor)) deletes.set(change.anchor, change);
        }
      } catch (error) {
        this.#fail(forest, error);
        everyForestAnswered = false;
      }
      remaining = remaining.filter((anchor) => !upserted.has(anchor));
    }
    for (const anchor of remaining) {
      const change = deletes.get(anchor);
      // Out of scope is a forest saying it holds the object; "not here" counts only when every forest said it.
      if (change && (change.reason === 'out-of-scope' || everyForestAnswered)) yield change;
    }
  }

  async *#listScope(): AsyncGenerator<DeletionCandidate> {
    for (const forest of this.#readable()) {
      try {
        yield* forest.reader.listScope();
      } catch (error) {
        this.#fail(forest, error);
      }
    }
  }

  #readable(): Forest[] {
    return this.#forests.filter((forest) => !this.#problems.has(forest.name));
  }

  /** The configured forest a DN is in: the longest suffix wins (a forest named inside another's DNS name). */
  #forestOf(dn: string): Forest | undefined {
    const rdns = parseDnOrEmpty(dn);
    let best: Forest | undefined;
    for (const forest of this.#forests)
      if (isRdnSuffix(rdns, forest.rdns) && (best === undefined || forest.rdns.length > best.rdns.length)) best = forest;
    return best;
  }

  /** A forest that failed stays unread for the rest of the cycle, so that all its answers agree. */
  #fail(forest: Forest, error: unknown): void {
    if (error instanceof StopRequestedError) throw error;
    if (this.#problems.has(forest.name)) return;
    const problem =
      error instanceof DirSyncError
        ? error
        : new DirSyncError('Forest.unreadable', error instanceof Error ? error.message : String(error), { target: forest.name, cause: error });
    this.#problems.set(forest.name, problem);
    this.#output?.warning(
      `The forest ${forest.name} could not be read [${problem.code}]: ${problem.message} Its objects are left as they are this cycle; the other forests are synchronised.`,
    );
  }

  #notice(forest: Forest, message: string): void {
    const notices = this.#notices.get(forest.name) ?? new Set<string>();
    this.#notices.set(forest.name, notices);
    if (notices.has(message)) return;
    notices.add(message);
    this.#output?.warning(message);
  }
}

export function parseDnOrEmpty(dn: string): NormalizedRdn[] {
  try {
    return parseDn(dn);
  } catch {
    return [];
  }
}
