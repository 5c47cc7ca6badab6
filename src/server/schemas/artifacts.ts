import { z } from 'zod';

export const FileInfo = z.object({ path: z.string(), is_dir: z.boolean(), file_size: z.number().int().optional() });
export type FileInfo = z.infer<typeof FileInfo>;

/** mlflow_artifacts.proto ListArtifacts: `path` is relative to the proxy root; absent means the root. */
export const ListProxyArtifactsRequest = z.object({ path: z.string().optional() });
export type ListProxyArtifactsRequest = z.infer<typeof ListProxyArtifactsRequest>;

/** `files` is left out when empty, and for a path that is a file (the client's file-vs-folder test). */
export const ListProxyArtifactsResponse = z.object({ files: z.array(FileInfo).optional() });
export type ListProxyArtifactsResponse = z.infer<typeof ListProxyArtifactsResponse>;

/** service.proto ListArtifacts (UI): `path` is relative to the run's artifact root. */
export const ListRunArtifactsRequest = z
  .object({ run_id: z.string().optional(), run_uuid: z.string().optional(), path: z.string().optional(), page_token: z.string().optional() })
  .refine((r) => r.run_id || r.run_uuid, { message: "Missing value for required parameter 'run_id'", path: ['run_id'] });
export type ListRunArtifactsRequest = z.infer<typeof ListRunArtifactsRequest>;

export const ListRunArtifactsResponse = z.object({ root_uri: z.string(), files: z.array(FileInfo).optional() });
export type ListRunArtifactsResponse = z.infer<typeof ListRunArtifactsResponse>;

export const GetRunArtifactRequest = z.object({ run_id: z.string().optional(), run_uuid: z.string().optional(), path: z.string().min(1) })
  .refine((r) => r.run_id || r.run_uuid, { message: "Missing value for required parameter 'run_id'", path: ['run_id'] });
export type GetRunArtifactRequest = z.infer<typeof GetRunArtifactRequest>;
