// A CliXml serializer (PowerShell's serialization format, MS-PSRP section 2.2.5) for the values DirSync
// sends to its PowerShell module. The module reads each document with
// [System.Management.Automation.PSSerializer]::Deserialize(), which restores typed values: Int32/Int64,
// Double, Boolean, DateTime, Guid, $null, lists, hashtables and objects with their type names.
//
// JavaScript → PowerShell: string → String; integer number → Int32, or Int64 beyond Int32; other number →
// Double; bigint → Int64; boolean → Boolean; Date → DateTime (UTC); null/undefined → $null; array →
// Object[]; Map → Hashtable; Guid → Guid; TypedObject → PSCustomObject with its type name; plain object
// → PSCustomObject. Properties whose value is undefined are left out, as JSON does.

const NAMESPACE = 'http://schemas.microsoft.com/powershell/2004/04';
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An object with a PowerShell type name, e.g. `new TypedObject('DirSync.SyncRun', {...})`. */
export class TypedObject {
  readonly typeName: string;
  readonly properties: Record<string, unknown>;

  constructor(typeName: string, properties: Record<string, unknown>) {
    this.typeName = typeName;
    this.properties = properties;
  }
}

/** A value to serialize as System.Guid rather than as a string. */
export class Guid {
  readonly value: string;

  constructor(value: string) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
      throw new TypeError(`Not a GUID: '${value}'.`);
    }
    this.value = value.toLowerCase();
  }
}

const ARRAY_TYPE_NAMES = ['System.Object[]', 'System.Array', 'System.Object'];
const HASHTABLE_TYPE_NAMES = ['System.Collections.Hashtable', 'System.Object'];
const CUSTOM_OBJECT_TYPE_NAMES = ['System.Management.Automation.PSCustomObject', 'System.Object'];

/** Serializes one value as a CliXml document on a single line (no line breaks: control characters are escaped). */
export function toCliXml(value: unknown): string {
  return `<Objs Version="1.1.0.1" xmlns="${NAMESPACE}">${new CliXmlWriter().write(value)}</Objs>`;
}

class CliXmlWriter {
  private nextObjectId = 0;
  // PowerShell writes a type-name list once and refers to it afterwards with <TNRef>.
  private readonly typeNameIds = new Map<string, number>();
  // Objects on the path from the root: a cycle cannot be represented here, so it is an error.
  private readonly ancestors = new Set<object>();

  write(value: unknown, name?: string): string {
    const nameAttribute = name === undefined ? '' : ` N="${escapeXml(encodeString(name))}"`;
    const element = (tag: string, text: string) => `<${tag}${nameAttribute}>${text}</${tag}>`;
    switch (typeof value) {
      case 'string':
        return element('S', escapeXml(encodeString(value)));
      case 'boolean':
        return element('B', String(value));
      case 'number':
        if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return element('I32', String(value));
        if (Number.isSafeInteger(value)) return element('I64', String(value));
        return element('Db', formatDouble(value));
      case 'bigint':
        if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`${value} does not fit in an Int64.`);
        return element('I64', value.toString());
      case 'undefined':
        return `<Nil${nameAttribute} />`;
      case 'object':
        if (value === null) return `<Nil${nameAttribute} />`;
        if (value instanceof Date) {
          if (Number.isNaN(value.getTime())) throw new RangeError('Cannot serialize an invalid Date.');
          return element('DT', value.toISOString());
        }
        if (value instanceof Guid) return element('G', value.value);
        return this.writeComplex(value, nameAttribute);
      default:
        throw new TypeError(`Cannot serialize a ${typeof value} to CliXml.`);
    }
  }

  private writeComplex(value: object, nameAttribute: string): string {
    if (this.ancestors.has(value)) throw new TypeError('Cannot serialize a value that contains itself.');
    this.ancestors.add(value);
    try {
      const open = `<Obj${nameAttribute} RefId="${this.nextObjectId++}">`;
      if (Array.isArray(value)) {
        return `${open}${this.typeNames(ARRAY_TYPE_NAMES)}<LST>${value.map((item) => this.write(item)).join('')}</LST></Obj>`;
      }
      if (value instanceof Map) {
        const entries = [...value].map(([key, item]) => `<En>${this.write(key, 'Key')}${this.write(item, 'Value')}</En>`);
        return `${open}${this.typeNames(HASHTABLE_TYPE_NAMES)}<DCT>${entries.join('')}</DCT></Obj>`;
      }
      const [typeNames, properties] =
        value instanceof TypedObject
          ? [[value.typeName, ...CUSTOM_OBJECT_TYPE_NAMES], value.properties]
          : [CUSTOM_OBJECT_TYPE_NAMES, value as Record<string, unknown>];
      // Type names before members: a <TNRef> must come after the <TN> it refers to.
      const typeNameElement = this.typeNames(typeNames);
      const members = Object.entries(properties)
        .filter(([, member]) => member !== undefined)
        .map(([memberName, member]) => this.write(member, memberName));
      return `${open}${typeNameElement}<MS>${members.join('')}</MS></Obj>`;
    } finally {
      this.ancestors.delete(value);
    }
  }

  private typeNames(names: string[]): string {
    const key = names.join('\n');
    const known = this.typeNameIds.get(key);
    if (known !== undefined) return `<TNRef RefId="${known}" />`;
    const id = this.typeNameIds.size;
    this.typeNameIds.set(key, id);
    return `<TN RefId="${id}">${names.map((typeName) => `<T>${escapeXml(encodeString(typeName))}</T>`).join('')}</TN>`;
  }
}

/**
 * MS-PSRP 2.2.5.3.2: control characters, surrogates and the non-characters U+FFFE/U+FFFF become _xHHHH_;
 * an underscore is escaped (_x005F_) only where it would otherwise start such a sequence.
 */
export function encodeString(text: string): string {
  let encoded = '';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const mustEscape =
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0xd800 && code <= 0xdfff) ||
      code === 0xfffe ||
      code === 0xffff ||
      (code === 0x5f && text[index + 1] === 'x');
    encoded += mustEscape ? `_x${code.toString(16).toUpperCase().padStart(4, '0')}_` : text[index];
  }
  return encoded;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[character]};`);
}

// xs:double spelling, which the deserializer expects for the special values.
function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'INF';
  if (value === -Infinity) return '-INF';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}
