/**
 * The sensitive variable holding each student's reader-role external id (config
 * `consumer`). The ids are what tells one student's notebook from another's
 * (labs/local-state/reader-external-ids.ts): as a variable they stay out of the
 * synthesized JSON, and plans show "(sensitive value)" where a trust policy holds one.
 */
import { Construct } from 'constructs';
import { Fn, TerraformVariable, Token } from 'cdktn';
import { READER_EXTERNAL_IDS_VARIABLE, readerExternalIdKey } from '../variables';

export class ReaderExternalIds extends Construct {
  private readonly variable: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.variable = new TerraformVariable(this, 'Ids', {
      type: 'map(string)',
      sensitive: true,
      nullable: false,
      description: "Each student's reader-role external id (streamlab generates and passes them)",
    });
    this.variable.overrideLogicalId(READER_EXTERNAL_IDS_VARIABLE);
  }

  /** `var.reader_external_ids.<key>`: the plan fails when the student has none. */
  externalIdOf(student: string): string {
    return Token.asString(Fn.lookupNested(this.variable.value, [readerExternalIdKey(student)]));
  }
}
