// Dates as Microsoft's date functions read and write them, computed in UTC whatever the server's time zone (so a
// mapping gives the same value on every server): .NET's custom date and time format strings (FormatDateTime's
// inputFormat and outputFormat, read once when the mapping is compiled), .NET's standard one-letter formats as the
// invariant culture writes them, and the date texts CDate, DateAdd, DateDiff and NumFromDate take.

/** A format string DirSync cannot read. */
export class DateFormatError extends Error {}

type FormatToken = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

/** A format read once: how to write a date in it, and how to read one written in it. */
export interface DateFormat {
  readonly tokens: readonly FormatToken[];
  readonly pattern: RegExp;
}

const SPECIFIERS = 'dfFghHKmMstyz';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** .NET's standard formats of one letter, as the invariant culture spells them out. */
const STANDARD_FORMATS: Record<string, string> = {
  d: 'MM/dd/yyyy',
  D: 'dddd, dd MMMM yyyy',
  f: 'dddd, dd MMMM yyyy HH:mm',
  F: 'dddd, dd MMMM yyyy HH:mm:ss',
  g: 'MM/dd/yyyy HH:mm',
  G: 'MM/dd/yyyy HH:mm:ss',
  M: 'MMMM dd',
  m: 'MMMM dd',
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'HH:mm',
  T: 'HH:mm:ss',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  U: 'dddd, dd MMMM yyyy HH:mm:ss',
  Y: 'yyyy MMMM',
  y: 'yyyy MMMM',
};

export function readFormat(format: string): DateFormat {
  if (format === '') throw new DateFormatError('the format is empty');
  const tokens: FormatToken[] = [];
  const text = STANDARD_FORMATS[format] ?? format;
  for (let at = 0; at < text.length; ) {
    const char = text[at]!;
    if (SPECIFIERS.includes(char)) {
      let count = 1;
      while (text[at + count] === char) count++;
      if ((char === 'f' || char === 'F') && count > 7) throw new DateFormatError(`${char.repeat(count)}: at most 7 ${char}`);
      tokens.push({ kind: 'field', letter: char, count });
      at += count;
    } else if (char === "'" || char === '"') {
      const end = text.indexOf(char, at + 1);
      if (end < 0) throw new DateFormatError(`the quoted text at character ${at + 1} is not closed`);
      tokens.push({ kind: 'literal', text: text.slice(at + 1, end) });
      at = end + 1;
    } else if (char === '\\' || char === '%') {
      const next = text[at + 1];
      if (next === undefined) throw new DateFormatError(`${char} at the end of the format`);
      tokens.push(char === '%' && SPECIFIERS.includes(next) ? { kind: 'field', letter: next, count: 1 } : { kind: 'literal', text: next });
      at += 2;
    } else {
      tokens.push({ kind: 'literal', text: char });
      at++;
    }
  }
  return { tokens, pattern: new RegExp(`^\\s*${tokens.map(fieldPattern).join('')}\\s*$`, 'i') };
}

const names = (list: readonly string[], length?: number) => `(${list.map((name) => name.slice(0, length)).join('|')})`;

function fieldPattern(token: FormatToken): string {
  if (token.kind === 'literal') return token.text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const { letter, count } = token;
  switch (letter) {
    case 'd':
      return count === 1 ? '(\\d{1,2})' : count === 2 ? '(\\d{2})' : names(DAYS, count === 3 ? 3 : undefined);
    case 'M':
      return count === 1 ? '(\\d{1,2})' : count === 2 ? '(\\d{2})' : names(MONTHS, count === 3 ? 3 : undefined);
    case 'h':
    case 'H':
    case 'm':
    case 's':
      return count === 1 ? '(\\d{1,2})' : '(\\d{2})';
    case 'y':
      return count === 1 ? '(\\d{1,2})' : count === 2 ? '(\\d{2})' : `(\\d{${count},5})`;
    case 'f':
      return `(\\d{${count}})`;
    case 'F':
      return `(\\d{0,${count}})`;
    case 't':
      return count === 1 ? '([AP])' : '([AP]M)';
    case 'z':
      return count === 1 ? '([+-]\\d{1,2})' : count === 2 ? '([+-]\\d{2})' : '([+-]\\d{2}:\\d{2})';
    case 'K':
      return '(Z|[+-]\\d{2}:\\d{2})?';
    default:
      return '(A\\.D\\.|AD)?'; // g, the era
  }
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** A UTC time (milliseconds since 1970) written in a format. */
export function formatDate(time: number, format: DateFormat): string {
  const date = new Date(time);
  let result = '';
  for (const token of format.tokens) {
    if (token.kind === 'literal') {
      result += token.text;
      continue;
    }
    const { letter, count } = token;
    const hour = date.getUTCHours();
    switch (letter) {
      case 'd':
        result += count <= 2 ? pad(date.getUTCDate(), count) : DAYS[date.getUTCDay()]!.slice(0, count === 3 ? 3 : undefined);
        break;
      case 'M':
        result += count <= 2 ? pad(date.getUTCMonth() + 1, count) : MONTHS[date.getUTCMonth()]!.slice(0, count === 3 ? 3 : undefined);
        break;
      case 'y':
        result += count <= 2 ? pad(date.getUTCFullYear() % 100, count) : pad(date.getUTCFullYear(), count);
        break;
      case 'h':
        result += pad(hour % 12 || 12, Math.min(count, 2));
        break;
      case 'H':
        result += pad(hour, Math.min(count, 2));
        break;
      case 'm':
        result += pad(date.getUTCMinutes(), Math.min(count, 2));
        break;
      case 's':
        result += pad(date.getUTCSeconds(), Math.min(count, 2));
        break;
      case 'f':
      case 'F': {
        // Ticks of 100 ns: a JavaScript time holds milliseconds, the digits beyond are 0.
        const digits = `${pad(date.getUTCMilliseconds(), 3)}0000`.slice(0, count);
        const shown = letter === 'F' ? digits.replace(/0+$/, '') : digits;
        // .NET drops the separator before F digits that are all zero.
        if (shown === '' && result.endsWith('.')) result = result.slice(0, -1);
        result += shown;
        break;
      }
      case 't':
        result += (hour < 12 ? 'AM' : 'PM').slice(0, count === 1 ? 1 : 2);
        break;
      case 'z':
        result += count === 1 ? '+0' : count === 2 ? '+00' : '+00:00';
        break;
      case 'K':
        result += 'Z';
        break;
      default:
        result += 'A.D.';
    }
  }
  return result;
}

/** A date written in a format, as a UTC time; undefined when it is not written so. A part the format lacks is that of 0001-01-01 00:00. */
export function parseDate(text: string, format: DateFormat): number | undefined {
  const match = format.pattern.exec(text);
  if (match === null) return undefined;
  const parts = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0, offset: 0, half: '' };
  let group = 1;
  for (const token of format.tokens) {
    if (token.kind === 'literal') continue;
    const value = match[group++] ?? '';
    const number = Number(value);
    switch (token.letter) {
      case 'd':
        if (token.count <= 2) parts.day = number;
        break;
      case 'M':
        parts.month = token.count <= 2 ? number : MONTHS.findIndex((name) => name.toLowerCase().startsWith(value.toLowerCase())) + 1;
        break;
      case 'y':
        // Two digits: 1950–2049, the window of .NET's Gregorian calendar (TwoDigitYearMax 2049).
        parts.year = token.count <= 2 ? (number <= 49 ? 2000 + number : 1900 + number) : number;
        break;
      case 'h':
      case 'H':
        parts.hour = number;
        break;
      case 'm':
        parts.minute = number;
        break;
      case 's':
        parts.second = number;
        break;
      case 'f':
      case 'F':
        parts.millisecond = Number(`${value}000`.slice(0, 3));
        break;
      case 't':
        parts.half = value.toUpperCase().slice(0, 1);
        break;
      case 'z':
      case 'K':
        parts.offset = offsetMinutes(value);
    }
  }
  if (parts.half !== '') {
    if (parts.hour < 1 || parts.hour > 12) return undefined;
    parts.hour = (parts.hour % 12) + (parts.half === 'P' ? 12 : 0);
  }
  return utcTime(parts);
}

/** "+08:00", "-0800", "+8", "Z" or "" (UTC) as minutes east of UTC. */
function offsetMinutes(text: string): number {
  if (text === '' || text.toUpperCase() === 'Z') return 0;
  const match = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(text)!;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0));
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offset: number;
}

/** The UTC time of the parts, or undefined when they name no date (February 30th, hour 25, year 0). */
function utcTime(parts: DateParts): number | undefined {
  const { year, month, day, hour, minute, second, millisecond } = parts;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return undefined;
  date.setUTCHours(hour, minute, second, millisecond);
  return date.getTime() - parts.offset * 60_000;
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const MICROSOFT_TEXT = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AP])M)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d{1,7}))?(Z|[+-]\d{4})?$/i;

/**
 * A date text as the date functions take it, as a UTC time (undefined when it is none of these): ISO 8601 with or
 * without a time and an offset (Microsoft's "2012-03-16-07:00", "2009-06-15T01:45:30-07:00"); the M/d/yyyy h:mm:ss tt
 * the date functions give; AD's generalized time (whenCreated's "20150123105347.0Z"). Without an offset, UTC.
 */
export function readDateText(text: string): number | undefined {
  const trimmed = text.trim();
  const iso = ISO_8601.exec(trimmed);
  const fraction = (digits: string | undefined) => Number(`${digits ?? ''}000`.slice(0, 3));
  if (iso) {
    const [, year, month, day, hour, minute, second, digits, offset] = iso;
    return utcTime({
      ...{ year: Number(year), month: Number(month), day: Number(day), hour: Number(hour ?? 0), minute: Number(minute ?? 0) },
      ...{ second: Number(second ?? 0), millisecond: fraction(digits), offset: offsetMinutes(offset ?? '') },
    });
  }
  const microsoft = MICROSOFT_TEXT.exec(trimmed);
  if (microsoft) {
    const [, month, day, year, hour, minute, second, half, offset] = microsoft;
    let hours = Number(hour ?? 0);
    if (half !== undefined) {
      if (hours < 1 || hours > 12) return undefined;
      hours = (hours % 12) + (half.toUpperCase() === 'P' ? 12 : 0);
    }
    return utcTime({
      ...{ year: Number(year), month: Number(month), day: Number(day), hour: hours, minute: Number(minute ?? 0) },
      ...{ second: Number(second ?? 0), millisecond: 0, offset: offsetMinutes(offset ?? '') },
    });
  }
  const generalized = GENERALIZED_TIME.exec(trimmed);
  if (generalized) {
    const [, year, month, day, hour, minute, second, digits, offset] = generalized;
    return utcTime({
      ...{ year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute) },
      ...{ second: Number(second ?? 0), millisecond: fraction(digits), offset: offsetMinutes(offset ?? '') },
    });
  }
  return undefined;
}

/** How CDate, DateAdd and Now write a date: Microsoft's "M/d/yyyy h:mm:ss tt", in UTC. */
export const MICROSOFT_DATE_FORMAT = readFormat('M/d/yyyy h:mm:ss tt');
