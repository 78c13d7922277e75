from agora_kit import idempotency
from agora_kit.migrations import run_env
from agora_payment.models import Base

run_env(Base.metadata, idempotency.metadata)
