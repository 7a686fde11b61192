import { Control } from 'ldapts';

/** LDAP_SERVER_SHOW_DELETED_OID: searches also return tombstones (isDeleted=TRUE). Has no value. */
export class ShowDeletedControl extends Control {
  static type = '1.2.840.113556.1.4.417';

  constructor() {
    super(ShowDeletedControl.type, { critical: true });
  }
}
