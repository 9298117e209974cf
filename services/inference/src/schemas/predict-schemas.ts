/** Request bodies of POST /inference/predict: multipart/form-data and JSON with base64. */
import { z } from '@hono/zod-openapi';
import {
  base64Image,
  confidenceThreshold,
  confidenceThresholdField,
  modelName,
  modelVersion,
  traceabilityFormFields,
  traceabilityJsonFields,
  uploadedFile,
} from './common-schemas.js';

export const PredictFormSchema = z
  .object({
    image: uploadedFile.openapi({ description: 'The image to inspect.' }),
    reference: uploadedFile
      .optional()
      .openapi({ description: 'Defect-free template of the same region, same size.' }),
    model: modelName
      .optional()
      .openapi({ description: 'Default: the only (or first) model in the repository.' }),
    version: modelVersion.optional().openapi({
      description:
        "Default: the model's default version (`default_version` in GET /models/{name}), else the newest ready version.",
    }),
    confidence_threshold: confidenceThresholdField,
    ...traceabilityFormFields,
  })
  .openapi('PredictForm');

export const PredictJsonSchema = z
  .object({
    image: base64Image,
    reference: base64Image
      .optional()
      .openapi({ description: 'Defect-free template of the same region, base64.' }),
    model: modelName.optional(),
    version: modelVersion.optional(),
    confidence_threshold: confidenceThreshold.optional(),
    ...traceabilityJsonFields,
  })
  .openapi('PredictJson');

export type PredictForm = z.infer<typeof PredictFormSchema>;
export type PredictJson = z.infer<typeof PredictJsonSchema>;
