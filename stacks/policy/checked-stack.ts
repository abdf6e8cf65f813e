/**
 * A TerraformStack whose synth fails on policy violations: the Aspect collects resources,
 * and `toTerraform()` (called by synth after the Aspects ran, before anything is written)
 * evaluates the rules on the resolved JSON. LabStack extends it; tests use it directly to
 * put single resources through the rules.
 */
import type { Construct } from 'constructs';
import { Aspects, TerraformStack } from 'cdktn';
import { PolicyAspect, type PolicyReport, type SynthesizedStack } from './aspect';
import { PolicyViolationError } from './violation-error';
import type { WaiverInput } from './waivers';

export class PolicyCheckedStack extends TerraformStack {
  private readonly policy: PolicyAspect;
  private lastReport: PolicyReport | undefined;

  constructor(scope: Construct, id: string, waivers: readonly WaiverInput[]) {
    super(scope, id);
    this.policy = new PolicyAspect(waivers);
    Aspects.of(this).add(this.policy);
  }

  /** The policy outcome of the last synth (undefined before the first). */
  get policyReport(): PolicyReport | undefined {
    return this.lastReport;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktn's own signature
  override toTerraform(): any {
    const tf = super.toTerraform();
    this.gate(tf);
    return tf;
  }

  /** HCL output (cdktn-cli `--hcl`) must not bypass the gate: check the JSON form first. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktn's own signature
  override toHclTerraform(): any {
    this.gate(super.toTerraform());
    return super.toHclTerraform();
  }

  private gate(tf: SynthesizedStack): void {
    this.lastReport = this.policy.evaluate(tf);
    if (this.lastReport.violations.length > 0) throw new PolicyViolationError(this.lastReport);
  }
}
