"""Model build of the abalone example project: preprocess, train and evaluate an XGBoost
regressor, locally or as a SageMaker Pipeline that runs inside the platform's guardrails."""
