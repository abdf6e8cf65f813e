/**
 * The policy check as a cdktn Aspect: it visits every node at synth, keeps the Terraform
 * resources; the stack then evaluates the rules on their synthesized, resolved attributes
 * before anything is written (LabStack.toTerraform). All violations fail synth together.
 */
import type { IConstruct } from 'constructs';
import { TerraformResource, type IAspect } from 'cdktn';
import { checkResource, checkStack, type Exemption, type ResourceView } from './rules';
import { applyWaivers, type WaiverInput, type WaiverOutcome } from './waivers';

export interface PolicyReport extends WaiverOutcome {
  /** Built-in exemptions (e.g. CKV_AWS_240 on Kinesis-sourced Firehose). */
  readonly exemptions: Exemption[];
  /** Resources inspected. */
  readonly checked: number;
}

export class PolicyAspect implements IAspect {
  private readonly resources = new Set<TerraformResource>();

  constructor(private readonly waivers: readonly WaiverInput[]) {}

  visit(node: IConstruct): void {
    if (TerraformResource.isTerraformResource(node)) this.resources.add(node);
  }

  /**
   * Runs every rule on the resources the Aspect visited, reading their attributes from
   * the stack's resolved Terraform JSON (references appear as "${type.id.attr}").
   */
  evaluate(stackJson: SynthesizedStack): PolicyReport {
    const views = [...this.resources].map((r) => viewOf(r, stackJson));
    const perResource = views.flatMap(checkResource);
    const stackWide = checkStack(views);
    const outcome = applyWaivers([...perResource, ...stackWide.findings], this.waivers);
    return { ...outcome, exemptions: stackWide.exemptions, checked: views.length };
  }
}

/** The part of cdk.tf.json the rules read. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

function viewOf(resource: TerraformResource, tf: SynthesizedStack): ResourceView {
  const type = resource.terraformResourceType;
  const logicalId = resource.friendlyUniqueId;
  const attrs = tf.resource?.[type]?.[logicalId];
  if (!attrs) {
    throw new Error(
      `internal: ${resource.node.path} (${type}.${logicalId}) is not in the synthesized stack`,
    );
  }
  return { type, logicalId, path: resource.node.path, attrs };
}
