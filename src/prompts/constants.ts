// Tag keys MLflow uses to store prompts in the model registry (mlflow/prompt/constants.py,
// mlflow-protocol.md §5.1). Shared by the server rules and the SDK.

export const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';
export const PROMPT_TEXT_TAG = 'mlflow.prompt.text';
export const PROMPT_TYPE_TAG = '_mlflow_prompt_type';
export const RESPONSE_FORMAT_TAG = '_mlflow_prompt_response_format';
export const MODEL_CONFIG_TAG = '_mlflow_prompt_model_config';
export const EXPERIMENT_IDS_TAG = '_mlflow_experiment_ids';

/** Version tags that define the prompt itself: fixed once the version exists. */
export const IMMUTABLE_VERSION_TAGS = [IS_PROMPT_TAG, PROMPT_TEXT_TAG, PROMPT_TYPE_TAG, RESPONSE_FORMAT_TAG, MODEL_CONFIG_TAG];

/** MLflow's PROMPT_TEXT limit: the template (or chat JSON) may hold at most this many characters. */
export const MAX_TEMPLATE_CHARS = 100_000;

/** MLflow's PROMPT_NAME_RULE, checked by the Python client and, here, by the server as well. */
export const PROMPT_NAME_RULE = /^[a-zA-Z0-9_.-]+$/;
