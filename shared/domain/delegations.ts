import { z } from 'zod';
import { nameSchema } from './names.ts';

export const delegationCategories = [
  'MemberState',
  'ObserverState',
  'UNEntity',
  'InternationalOrganization',
  'CivilSociety',
  'PrivateSector',
] as const;

export const delegationCategorySchema = z.enum(delegationCategories);
export type DelegationCategory = z.infer<typeof delegationCategorySchema>;

/** States are seeded from the country dataset; organizations are added by organizers. */
export const stateCategories: readonly DelegationCategory[] = ['MemberState', 'ObserverState'];
export const organizationCategories = [
  'UNEntity',
  'InternationalOrganization',
  'CivilSociety',
  'PrivateSector',
] as const;

export const isState = (category: DelegationCategory): boolean => stateCategories.includes(category);

/** ISO 3166-1 alpha-3 for States; 2–32 upper-case letters, digits or hyphens for organizations. */
export const delegationCodeSchema = z
  .string()
  .regex(
    /^[A-Z0-9][A-Z0-9-]{1,31}$/,
    'must be 2–32 characters: A–Z, 0–9 and hyphens, starting with a letter or digit',
  );

export const delegationSchema = z.object({
  code: delegationCodeSchema,
  name: z.string().trim().min(2).max(200),
  category: delegationCategorySchema,
  regionalGroup: z.string().nullable(),
});
export type Delegation = z.infer<typeof delegationSchema>;

export const newOrganizationSchema = z.strictObject({
  code: delegationCodeSchema,
  name: nameSchema(2, 200),
  category: z.enum(organizationCategories),
});
export type NewOrganization = z.infer<typeof newOrganizationSchema>;

export const categoryLabels: Record<DelegationCategory, string> = {
  MemberState: 'Member States',
  ObserverState: 'Observer States',
  UNEntity: 'United Nations entities',
  InternationalOrganization: 'international and regional organizations',
  CivilSociety: 'civil society',
  PrivateSector: 'the private sector',
};
