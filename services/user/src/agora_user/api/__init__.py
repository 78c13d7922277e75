from __future__ import annotations

from fastapi import APIRouter

from agora_kit.app import API_PREFIX

router = APIRouter(prefix=API_PREFIX)
