// Directory extension properties on DirSync's own application (extension_<appId without dashes>_<name>): the one that
// anchors groups (dirSyncSourceAnchor) and those an attribute mapping writes (extension:<name>). Registered, for users
// and groups, when missing and the run may write to the cloud; a run that may not (a preview) registers nothing and
// uses the names they will have, which the application id fixes.
import { DirSyncError } from '../../core/errors.ts';
import type { DirectoryExtension } from '../../engine/mapping/attribute-mapping.ts';
import type { GraphSession } from './graph-session.ts';
import { filteredUrl, odataString } from './odata.ts';

const SOURCE_ANCHOR_EXTENSION = 'dirSyncSourceAnchor';

interface Page<T> {
  value: T[];
}

interface RegisteredExtension {
  name: string;
  dataType: string;
}

export class DirectoryExtensions {
  readonly #session: GraphSession;
  readonly #clientId: string;
  readonly #mayRegister: boolean;
  /** DirSync's application object and its registered extension properties, read once. */
  #application: Promise<{ id: string; extensions: RegisteredExtension[] }> | undefined;

  constructor(session: GraphSession, clientId: string, mayRegister: boolean) {
    this.#session = session;
    this.#clientId = clientId;
    this.#mayRegister = mayRegister;
  }

  /** The full name of the property that carries the sourceAnchor on groups. */
  async sourceAnchor(): Promise<string> {
    return (await this.resolve([{ name: SOURCE_ANCHOR_EXTENSION, dataType: 'String' }])).get(SOURCE_ANCHOR_EXTENSION.toLowerCase())!;
  }

  /**
   * Name (lower-case) → full name of each wanted property, registering the missing ones. One registered with another
   * data type cannot be changed (Graph has no update for it): Mapping.extension-type-conflict.
   */
  async resolve(wanted: readonly DirectoryExtension[]): Promise<Map<string, string>> {
    const resolved = new Map<string, string>();
    if (wanted.length === 0) return resolved;
    const application = await this.#readApplication();
    for (const extension of wanted) {
      const fullName = `extension_${this.#clientId.replaceAll('-', '')}_${extension.name}`;
      const registered = application.extensions.find((candidate) => candidate.name.toLowerCase() === fullName.toLowerCase());
      if (registered !== undefined && registered.dataType !== extension.dataType) {
        throw new DirSyncError(
          'Mapping.extension-type-conflict',
          `the directory extension property ${registered.name} is registered as ${registered.dataType}, and the mapping writes it as ${extension.dataType}`,
          { target: registered.name },
        );
      }
      if (registered === undefined && this.#mayRegister) {
        const created = await this.#session.post<RegisteredExtension>(`/applications/${application.id}/extensionProperties`, {
          name: extension.name,
          dataType: extension.dataType,
          targetObjects: ['User', 'Group'],
        });
        application.extensions.push(created);
        resolved.set(extension.name.toLowerCase(), created.name);
        continue;
      }
      resolved.set(extension.name.toLowerCase(), registered?.name ?? fullName);
    }
    return resolved;
  }

  #readApplication(): Promise<{ id: string; extensions: RegisteredExtension[] }> {
    this.#application ??= this.#findApplication().catch((error: unknown) => {
      this.#application = undefined;
      throw error;
    });
    return this.#application;
  }

  async #findApplication(): Promise<{ id: string; extensions: RegisteredExtension[] }> {
    const applications = await this.#session.get<Page<{ id: string }>>(
      filteredUrl('applications', `appId eq ${odataString(this.#clientId)}`, ['id']),
    );
    const application = applications.value[0];
    if (application === undefined) {
      throw new DirSyncError('Graph.application-not-visible', `The application ${this.#clientId} is not visible to itself through Graph.`, {
        target: this.#clientId,
      });
    }
    const registered = await this.#session.get<Page<RegisteredExtension>>(`/applications/${application.id}/extensionProperties`);
    return { id: application.id, extensions: registered.value };
  }
}
