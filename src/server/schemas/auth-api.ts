import { z } from 'zod';
import { PERMISSIONS } from '../../store/users.js';
import { Bool } from './common.js';

const Username = z.string().refine((u) => u.trim() !== '', 'Username cannot be empty.');
const Permission = z.string().transform((p) => p.toUpperCase()).pipe(z.enum(PERMISSIONS, { message: `must be one of ${PERMISSIONS.join(', ')}` }));
const ExperimentId = z.union([z.string().regex(/^\d+$/, 'must be a decimal experiment id'), z.number().int().nonnegative()]).transform(String);

export const CreateUserRequest = z.object({ username: Username, password: z.string().min(1, 'Password cannot be empty.') });
export const UsernameRequest = z.object({ username: Username });
export const UpdatePasswordRequest = z.object({ username: Username, password: z.string().min(1, 'Password cannot be empty.'), current_password: z.string().optional() });
export const UpdateAdminRequest = z.object({ username: Username, is_admin: Bool });

export const ExperimentPermissionRequest = z.object({ experiment_id: ExperimentId, username: Username });
export const SetExperimentPermissionRequest = ExperimentPermissionRequest.extend({ permission: Permission });
export const ModelPermissionRequest = z.object({ name: z.string().min(1), username: Username });
export const SetModelPermissionRequest = ModelPermissionRequest.extend({ permission: Permission });

// ---- responses (mlflow/server/auth/entities.py to_json) ----

export const ExperimentPermission = z.object({ experiment_id: z.string(), user_id: z.number().int(), permission: z.enum(PERMISSIONS) });
export const RegisteredModelPermission = z.object({ name: z.string(), user_id: z.number().int(), permission: z.enum(PERMISSIONS) });

export const AuthUser = z.object({
  id: z.number().int(),
  username: z.string(),
  is_admin: z.boolean(),
  experiment_permissions: z.array(ExperimentPermission),
  registered_model_permissions: z.array(RegisteredModelPermission),
  scorer_permissions: z.array(z.never()),
});
export type AuthUser = z.infer<typeof AuthUser>;

export const UserResponse = z.object({ user: AuthUser });
export type UserResponse = z.infer<typeof UserResponse>;
export const ExperimentPermissionResponse = z.object({ experiment_permission: ExperimentPermission });
export type ExperimentPermissionResponse = z.infer<typeof ExperimentPermissionResponse>;
export const RegisteredModelPermissionResponse = z.object({ registered_model_permission: RegisteredModelPermission });
export type RegisteredModelPermissionResponse = z.infer<typeof RegisteredModelPermissionResponse>;
