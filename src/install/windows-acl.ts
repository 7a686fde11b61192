// The installation directory on Windows, where POSIX modes (0700/0600) mean nothing: an explicit ACL that
// inheritance cannot widen (SYSTEM, Administrators and the account DirSync runs as; full control; nothing
// else), set when the directory is created and checked whenever an installation is opened.
// It is set with icacls (arguments as an array, never a command line) and read as SDDL from PowerShell's
// Get-Acl, which names principals by SID whatever the language of Windows (icacls prints localized names).
// The functions that build, parse and decide are pure; only the last three run programs.
import { execFile } from 'node:child_process';
import { win32 } from 'node:path';
import { promisify } from 'node:util';

export const SYSTEM_SID = 'S-1-5-18';
export const ADMINISTRATORS_SID = 'S-1-5-32-544';

export interface AccessControlEntry {
  /** A (allow), D (deny), OA, OD, XA, XD, ZA... */
  type: string;
  /** OI, CI, NP, IO, ID (inherited)... */
  flags: string[];
  /** FA, 0x1200a9, DCLCRPCR... as SDDL writes them. */
  rights: string;
  /** A SID (S-1-...), or the SDDL alias of a domain-relative principal that has no fixed SID (DU, LA...). */
  principal: string;
}

export interface SecurityDescriptor {
  owner: string | null;
  /** Inheritance from the parent folder is disabled (SDDL flag P). */
  protected: boolean;
  /** null for a NULL DACL (D:NO_ACCESS_CONTROL), which gives every account full control. */
  dacl: AccessControlEntry[] | null;
}

/** SDDL aliases of well-known principals: their SID, or (domain- and machine-relative ones) their RID. */
const aliases: Record<string, { sid?: string; rid?: number; name: string }> = {
  SY: { sid: SYSTEM_SID, name: 'SYSTEM' },
  BA: { sid: ADMINISTRATORS_SID, name: 'Administrators' },
  WD: { sid: 'S-1-1-0', name: 'Everyone' },
  AU: { sid: 'S-1-5-11', name: 'Authenticated Users' },
  BU: { sid: 'S-1-5-32-545', name: 'Users' },
  BG: { sid: 'S-1-5-32-546', name: 'Guests' },
  PU: { sid: 'S-1-5-32-547', name: 'Power Users' },
  AO: { sid: 'S-1-5-32-548', name: 'Account Operators' },
  SO: { sid: 'S-1-5-32-549', name: 'Server Operators' },
  PO: { sid: 'S-1-5-32-550', name: 'Print Operators' },
  BO: { sid: 'S-1-5-32-551', name: 'Backup Operators' },
  RD: { sid: 'S-1-5-32-555', name: 'Remote Desktop Users' },
  RM: { sid: 'S-1-5-32-580', name: 'Remote Management Users' },
  CO: { sid: 'S-1-3-0', name: 'CREATOR OWNER' },
  CG: { sid: 'S-1-3-1', name: 'CREATOR GROUP' },
  OW: { sid: 'S-1-3-4', name: 'OWNER RIGHTS' },
  IU: { sid: 'S-1-5-4', name: 'INTERACTIVE' },
  NU: { sid: 'S-1-5-2', name: 'NETWORK' },
  SU: { sid: 'S-1-5-6', name: 'SERVICE' },
  AN: { sid: 'S-1-5-7', name: 'ANONYMOUS LOGON' },
  PS: { sid: 'S-1-5-10', name: 'SELF' },
  RC: { sid: 'S-1-5-12', name: 'RESTRICTED' },
  LS: { sid: 'S-1-5-19', name: 'LOCAL SERVICE' },
  NS: { sid: 'S-1-5-20', name: 'NETWORK SERVICE' },
  AC: { sid: 'S-1-15-2-1', name: 'ALL APPLICATION PACKAGES' },
  LA: { rid: 500, name: 'the built-in Administrator account' },
  LG: { rid: 501, name: 'the built-in Guest account' },
  DA: { rid: 512, name: 'Domain Admins' },
  DU: { rid: 513, name: 'Domain Users' },
  DG: { rid: 514, name: 'Domain Guests' },
  DC: { rid: 515, name: 'Domain Computers' },
  EA: { rid: 519, name: 'Enterprise Admins' },
};

const wellKnownNames = new Map(Object.values(aliases).flatMap((alias) => (alias.sid ? [[alias.sid, alias.name] as const] : [])));

const rightsNames: Record<string, string> = {
  FA: 'full control',
  GA: 'full control',
  '0x1f01ff': 'full control',
  '0x1301bf': 'modify',
  '0x1200a9': 'read & execute',
  FRFX: 'read & execute',
  '0x120089': 'read',
  FR: 'read',
  GR: 'read',
  GXGR: 'read & execute',
  DCLCRPCR: 'create files and folders',
  '0x100116': 'create files and folders',
};

const ALLOW_TYPES = new Set(['A', 'OA', 'XA', 'ZA']);

/** The account DirSync runs as, SYSTEM and Administrators: those alone may reach the installation directory. */
export function allowedPrincipals(runAsSid: string): string[] {
  return [...new Set([SYSTEM_SID, ADMINISTRATORS_SID, runAsSid])];
}

/** icacls arguments that give the directory exactly that ACL: inherited entries removed, full control granted. */
export function restrictArguments(directory: string, runAsSid: string): string[] {
  return [directory, '/inheritance:r', '/grant:r', ...allowedPrincipals(runAsSid).map((sid) => `*${sid}:(OI)(CI)F`)];
}

/** The SID in the CSV line of `whoami /user /fo csv /nh` ("domain\\name","S-1-5-21-..."). */
export function parseWhoamiUser(output: string): string {
  const sid = /"(S-1-\d+(?:-\d+)+)"\s*$/m.exec(output)?.[1];
  if (sid === undefined) throw new Error(`whoami did not name this account's SID: ${JSON.stringify(output.trim())}`);
  return sid;
}

/** Parses the owner and the DACL of an SDDL string (as Get-Acl's .Sddl gives it). */
export function parseSddl(sddl: string): SecurityDescriptor {
  const text = sddl.trim();
  const header = /^(?:O:(S-1-\d+(?:-\d+)+|[A-Z]{2}))?(?:G:(?:S-1-\d+(?:-\d+)+|[A-Z]{2}))?D:/.exec(text);
  if (header === null) throw new Error(`not an SDDL security descriptor with a DACL: ${text}`);
  const owner = header[1] ?? null;
  let position = header[0].length;
  const flags: string[] = [];
  for (let flag = /^(P|AI|AR|NO_ACCESS_CONTROL)/.exec(text.slice(position)); flag; flag = /^(P|AI|AR|NO_ACCESS_CONTROL)/.exec(text.slice(position))) {
    flags.push(flag[1]!);
    position += flag[1]!.length;
  }
  const entries: AccessControlEntry[] = [];
  while (text[position] === '(') {
    const end = closingParenthesis(text, position);
    const [type = '', aceFlags = '', rights = '', , , principal = ''] = text.slice(position + 1, end).split(';');
    entries.push({ type, flags: aceFlags.match(/../g) ?? [], rights, principal: normalizePrincipal(principal) });
    position = end + 1;
  }
  if (position < text.length && !text.startsWith('S:', position)) throw new Error(`unexpected SDDL at ${position}: ${text}`);
  return {
    owner: owner === null ? null : normalizePrincipal(owner),
    protected: flags.includes('P'),
    dacl: flags.includes('NO_ACCESS_CONTROL') ? null : entries,
  };
}

/** What makes the directory reachable by more than `allowed` (SIDs); empty when it is not. */
export function aclWidenings(descriptor: SecurityDescriptor, allowed: string[]): string[] {
  if (descriptor.dacl === null) return ['it has no access control list at all, so every account has full control'];
  const problems: string[] = [];
  if (!descriptor.protected) problems.push('it inherits permissions from its parent folder');
  const granted = new Map<string, { rights: Set<string>; inherited: boolean }>();
  for (const entry of descriptor.dacl) {
    if (!ALLOW_TYPES.has(entry.type) || isAllowed(entry.principal, allowed)) continue;
    const grant = granted.get(entry.principal) ?? { rights: new Set<string>(), inherited: false };
    grant.rights.add(rightsNames[entry.rights] ?? `rights ${entry.rights}`);
    grant.inherited ||= entry.flags.includes('ID');
    granted.set(entry.principal, grant);
  }
  for (const [principal, { rights, inherited }] of granted) {
    problems.push(`it grants ${describePrincipal(principal)} ${[...rights].join(' and ')}${inherited ? ' (inherited)' : ''}`);
  }
  if (descriptor.owner !== null && !isAllowed(descriptor.owner, allowed)) {
    problems.push(`it is owned by ${describePrincipal(descriptor.owner)}, who can change its permissions`);
  }
  return problems;
}

/** The refusal: what is wrong and the commands (for an elevated prompt) that make the ACL right. */
export function widerAclMessage(directory: string, runAsSid: string, problems: string[]): string {
  const commands = [['/reset'], restrictArguments(directory, runAsSid).slice(1)];
  if (problems.some((problem) => problem.startsWith('it is owned by'))) commands.push(['/setowner', `*${ADMINISTRATORS_SID}`]);
  const shown = commands.map((options) =>
    ['icacls', [directory, ...options].map((argument) => (argument.startsWith('/') ? argument : `"${argument}"`)).join(' ')].join(' '),
  );
  return (
    `refusing to use the installation directory ${directory}: ${problems.join('; ')}. It holds the secrets' key and the state store, ` +
    `so only SYSTEM, Administrators and the account DirSync runs as (${runAsSid}) may reach it. ` +
    `Restrict it from an elevated prompt: ${shown.join(', then ')}`
  );
}

function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === '(') depth++;
    else if (text[index] === ')' && --depth === 0) return index;
  }
  throw new Error(`unbalanced parentheses in SDDL: ${text}`);
}

function normalizePrincipal(principal: string): string {
  return aliases[principal]?.sid ?? (/^s-/i.test(principal) ? principal.toUpperCase() : principal);
}

function isAllowed(principal: string, allowed: string[]): boolean {
  const rid = aliases[principal]?.rid;
  // SDDL writes e.g. the built-in Administrator account as LA, without its machine's SID: match it by RID.
  if (rid !== undefined) return allowed.some((sid) => sid.startsWith('S-1-5-21-') && sid.endsWith(`-${rid}`));
  return allowed.includes(principal);
}

function describePrincipal(principal: string): string {
  const name = aliases[principal]?.name ?? wellKnownNames.get(principal);
  return name === undefined ? principal : `${name} (${principal})`;
}

// --- Running the Windows tools (win32 only; cannot run on Linux) ---

const run = promisify(execFile);

function systemTool(...path: string[]): string {
  // By full path: a program of that name earlier on PATH must not be run instead.
  return win32.join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', ...path);
}

/** The SID of the account this process runs as. */
export async function currentAccountSid(): Promise<string> {
  const { stdout } = await run(systemTool('whoami.exe'), ['/user', '/fo', 'csv', '/nh'], { windowsHide: true });
  return parseWhoamiUser(stdout);
}

/** Gives the directory its explicit ACL (see restrictArguments). */
export async function restrictDirectory(directory: string, runAsSid: string): Promise<void> {
  await run(systemTool('icacls.exe'), restrictArguments(directory, runAsSid), { windowsHide: true });
}

/** The directory's security descriptor, from Get-Acl (the path goes through the environment, not the command). */
export async function readSecurityDescriptor(directory: string): Promise<SecurityDescriptor> {
  const { stdout } = await run(
    systemTool('WindowsPowerShell', 'v1.0', 'powershell.exe'),
    ['-NoProfile', '-NonInteractive', '-Command', '(Get-Acl -LiteralPath $env:DIRSYNC_ACL_PATH).Sddl'],
    { windowsHide: true, env: { ...process.env, DIRSYNC_ACL_PATH: directory } },
  );
  return parseSddl(stdout);
}
