// The date functions, with Microsoft's names, parameter names and order (Entra provisioning's "Reference for writing
// expressions for attribute mappings"). CDate, DateAdd and Now give Microsoft's "M/d/yyyy h:mm:ss tt" in UTC;
// DateFromNum gives ISO 8601 (what Graph's DateTime properties take); every date argument is read by readDateText.
import { type CallNode, ExpressionSyntaxError } from './expression-syntax.ts';
import { asInteger, asText, constantText, FunctionError, isGiven, type Arguments, type FunctionSpec, type Value } from './expression-values.ts';
import { type DateFormat, DateFormatError, formatDate, MICROSOFT_DATE_FORMAT, parseDate, readDateText, readFormat } from './date-format.ts';

/** AD's dates (accountExpires, lastLogonTimestamp) count 100-nanosecond ticks since 1601-01-01 UTC. */
const TICKS_PER_MILLISECOND = 10_000n;
const MILLISECONDS_1601_TO_1970 = 11_644_473_600_000n;

/** Microsoft's intervals for DateAdd and DateDiff. */
const INTERVALS = ['yyyy', 'm', 'd', 'ww', 'h', 'n', 's'] as const;
type Interval = (typeof INTERVALS)[number];
const FIXED_INTERVALS: Partial<Record<Interval, number>> = { ww: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, n: 60_000, s: 1000 };

function asInterval(value: Value, what: string): Interval {
  const text = asText(value, what);
  const interval = INTERVALS.find((candidate) => candidate === text);
  if (interval === undefined) throw new FunctionError(`${what} is one of ${INTERVALS.join(', ')}, not ${JSON.stringify(text)}`);
  return interval;
}

/** An interval written as a constant is checked when the mapping is set. */
function checkIntervalConstant(call: CallNode): undefined {
  const text = constantText(call.arguments[0]);
  if (text !== undefined && !(INTERVALS as readonly string[]).includes(text))
    throw new ExpressionSyntaxError(
      call.arguments[0]!.column,
      `${call.name}: interval is one of ${INTERVALS.join(', ')}, not "${text}"`,
      'argument-count',
    );
  return undefined;
}

/** A date argument as a UTC time; null stays null. */
function asDate(value: Value, what: string): number | null {
  const text = asText(value, what);
  if (text === null) return null;
  const time = readDateText(text);
  if (time === undefined)
    throw new FunctionError(`${what}: ${JSON.stringify(text)} is not a date (ISO 8601, M/d/yyyy h:mm:ss tt, or AD's generalized time)`);
  return time;
}

const microsoftText = (time: number) => formatDate(time, MICROSOFT_DATE_FORMAT);

/** .NET's AddMonths: the same day of the month, or the month's last day when it has fewer (January 31st + 1 month: February 28th/29th). */
function addMonths(time: number, months: number): number {
  const date = new Date(time);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(date);
  lastDay.setUTCMonth(date.getUTCMonth() + 1, 0);
  date.setUTCDate(Math.min(day, lastDay.getUTCDate()));
  return date.getTime();
}

/**
 * Microsoft's DateDiff examples are VBA's DateDiff: months and years count the calendar boundaries crossed
 * (8/25/2021 → 3/16/2012: -113 months, -9 years); days, hours, minutes and seconds the whole units elapsed; weeks the
 * Sundays crossed (-493 weeks in the same example).
 */
function difference(interval: Interval, first: number, second: number): number {
  const [a, b] = [new Date(first), new Date(second)];
  switch (interval) {
    case 'yyyy':
      return b.getUTCFullYear() - a.getUTCFullYear();
    case 'm':
      return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
    case 'ww': {
      const sunday = (date: Date) => Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - date.getUTCDay());
      return Math.trunc((sunday(b) - sunday(a)) / FIXED_INTERVALS.ww!);
    }
    default:
      return Math.trunc((second - first) / FIXED_INTERVALS[interval]!);
  }
}

/** The names of .NET's DateTimeStyles. DirSync reads in UTC and allows white space around a date, so none changes what it reads. */
const DATE_TIME_STYLES = new Set([
  'None',
  'AllowLeadingWhite',
  'AllowTrailingWhite',
  'AllowInnerWhite',
  'AllowWhiteSpaces',
  'NoCurrentDateDefault',
  'AdjustToUniversal',
  'AssumeLocal',
  'AssumeUniversal',
  'RoundtripKind',
]);

function checkStyles(text: string): string | undefined {
  const unknown = text
    .split(/[,|]/)
    .map((name) => name.trim().replace(/^DateTimeStyles\./, ''))
    .filter((name) => name !== '' && !DATE_TIME_STYLES.has(name));
  return unknown.length === 0
    ? undefined
    : `FormatDateTime: dateTimeStyles: unknown ${unknown.join(', ')} (one of ${[...DATE_TIME_STYLES].join(', ')})`;
}

interface PreparedFormats {
  input: DateFormat | undefined;
  output: DateFormat | undefined;
}

/** The formats written as constants, read once (a mistake in one is refused when the mapping is set). */
function prepareFormats(call: CallNode): PreparedFormats {
  const styles = constantText(call.arguments[1]);
  const styleProblem = styles === undefined ? undefined : checkStyles(styles);
  if (styleProblem) throw new ExpressionSyntaxError(call.arguments[1]!.column, styleProblem, 'argument-count');
  const read = (index: number) => {
    const text = constantText(call.arguments[index]);
    if (text === undefined) return undefined;
    try {
      return readFormat(text);
    } catch (error) {
      if (!(error instanceof DateFormatError)) throw error;
      throw new ExpressionSyntaxError(
        call.arguments[index]!.column,
        `FormatDateTime: ${index === 2 ? 'inputFormat' : 'outputFormat'}: ${error.message}`,
        'argument-count',
      );
    }
  };
  return { input: read(2), output: read(3) };
}

function formatArgument(args: Arguments, index: number, prepared: DateFormat | undefined, what: string): DateFormat {
  if (prepared !== undefined) return prepared;
  try {
    return readFormat(asText(args.value(index), what) ?? '');
  } catch (error) {
    throw error instanceof DateFormatError ? new FunctionError(`${what}: ${error.message}`) : error;
  }
}

export const DATE_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  CDate: {
    parameters: ['expression'],
    required: 1,
    evaluate: (args) => {
      const time = asDate(args.value(0), 'CDate: expression');
      return time === null ? null : microsoftText(time);
    },
  },
  DateAdd: {
    parameters: ['interval', 'value', 'dateTime'],
    required: 3,
    prepare: checkIntervalConstant,
    evaluate: (args) => {
      const interval = asInterval(args.value(0), 'DateAdd: interval');
      const value = asInteger(args.value(1), 'DateAdd: value');
      const time = asDate(args.value(2), 'DateAdd: dateTime');
      if (time === null) return null;
      const added =
        interval === 'yyyy' ? addMonths(time, value * 12) : interval === 'm' ? addMonths(time, value) : time + value * FIXED_INTERVALS[interval]!;
      if (!Number.isFinite(added) || Math.abs(added) > 8.64e15) throw new FunctionError('DateAdd: the date is out of range');
      return microsoftText(added);
    },
  },
  DateDiff: {
    parameters: ['interval', 'date1', 'date2'],
    required: 3,
    prepare: checkIntervalConstant,
    evaluate: (args) => {
      const interval = asInterval(args.value(0), 'DateDiff: interval');
      const [first, second] = [asDate(args.value(1), 'DateDiff: date1'), asDate(args.value(2), 'DateDiff: date2')];
      return first === null || second === null ? null : difference(interval, first, second);
    },
  },
  DateFromNum: {
    parameters: ['value'],
    required: 1,
    // 0 and the largest value mean "never" (accountExpires): null.
    evaluate: (args) => {
      const text = asText(args.value(0), 'DateFromNum: value')?.trim();
      if (text === undefined || text === null) return null;
      if (!/^-?\d+$/.test(text)) throw new FunctionError(`DateFromNum: value must be a whole number, not ${JSON.stringify(text)}`);
      const ticks = BigInt(text);
      if (ticks <= 0n || ticks >= 0x7fffffffffffffffn) return null;
      const time = Number(ticks / TICKS_PER_MILLISECOND - MILLISECONDS_1601_TO_1970);
      if (Math.abs(time) > 8.64e15) return null;
      return new Date(time).toISOString().replace('.000Z', 'Z');
    },
  },
  FormatDateTime: {
    parameters: ['source', 'dateTimeStyles', 'inputFormat', 'outputFormat'],
    required: 1,
    minimum: 4,
    check: (args) => (isGiven(args[2]) && isGiven(args[3]) ? undefined : 'FormatDateTime: inputFormat and outputFormat must be given'),
    prepare: prepareFormats,
    evaluate: (args) => {
      const source = asText(args.value(0), 'FormatDateTime: source');
      const prepared = args.prepared as PreparedFormats;
      const input = formatArgument(args, 2, prepared.input, 'FormatDateTime: inputFormat');
      const output = formatArgument(args, 3, prepared.output, 'FormatDateTime: outputFormat');
      if (source === null || source === '') return null;
      const time = parseDate(source, input);
      if (time === undefined) throw new FunctionError(`FormatDateTime: ${JSON.stringify(source)} is not a date in the inputFormat`);
      return formatDate(time, output);
    },
  },
  Now: { parameters: [], required: 0, nondeterministic: true, evaluate: () => microsoftText(Date.now()) },
  NumFromDate: {
    parameters: ['value'],
    required: 1,
    // The ticks as text: they pass 2^53, where a number would lose them (129699324000000000 for 2012-01-01T23:00:00Z).
    evaluate: (args) => {
      const time = asDate(args.value(0), 'NumFromDate: value');
      return time === null ? null : String((BigInt(time) + MILLISECONDS_1601_TO_1970) * TICKS_PER_MILLISECOND);
    },
  },
};
