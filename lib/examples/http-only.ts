import { Validations } from 'aws-cdk-lib';
import type { LoadBalancer } from '../../constructs';

/**
 * Acknowledges what cdk-nag's NIST 800-53 R5 pack and AWS Control Tower's CT.ELB.PR.1 find in the HTTP listener of an example's load balancer:
 * the examples have no domain name to hold a certificate, so they serve plain HTTP.
 */
export function acknowledgeHttpOnly(loadBalancer: LoadBalancer): void {
  const reason =
    'The example has no domain name to hold a certificate, so it serves plain HTTP; a deployment with one ' +
    'passes `certificate` to the LoadBalancer, which adds an HTTPS listener and turns this one into a redirect to it.';
  Validations.of(loadBalancer.listener).acknowledge(
    { id: 'NIST.800.53.R5-ALBHttpToHttpsRedirection', reason },
    { id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired', reason },
    { id: 'cdk-validator-cfnguard::alb_http_to_https_redirection_check', reason },
  );
}
