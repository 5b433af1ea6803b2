"""The network of a gradc spec (as tests/torch/spec2json.lua prints it) built from PyTorch modules,
in float64, with the spec documentation's conventions, and the cost, backward pass, training steps
and one-sample predictions that the generated C is compared with.

Conventions (each one is where a generator could go wrong, so each is PyTorch's own, not ours):
- X is features x m (samples are columns), feature order = torch.flatten's (c, y, x) order;
  `to_batch` turns it into PyTorch's (m, C, H, W), `from_batch` turns an (m, n) output back.
- conv1d/conv2d are torch's cross-correlations; padding "same" is torch's padding="same" (only
  with stride 1, where torch puts the odd element of the total padding after, as the spec says).
- pooling has no padding; avgpool divides by the window size; maxpool's ties go to torch's choice.
- batchnorm: BatchNorm1d/2d, training mode in forward/backward/train steps (biased variance for
  normalization, unbiased N/(N-1) for the running variance, torch's momentum rule), eval mode
  for predict.
- J: bce and ce are sums over outputs and samples divided by m; mse is (1/m) times the sum of the
  squared errors over outputs AND samples (torch's MSELoss(reduction="mean") would divide by
  m x outputs instead). bce and ce are computed from the last layer's z (logits), stably.
- standardize: x' = (x - input_mean) * input_inv_scale per flat feature before the first layer,
  with both as buffers (never trained or decayed; their gradient entries are 0).
- Optimizers: torch.optim.SGD (momentum with dampening 0: v = beta v + g, p -= lr v), Adam and
  AdamW with the spec's weight_decay, over the trainable parameters only (W, b, gamma, beta);
  running mean and var are buffers, never decayed or stepped.
"""
import torch

nn = torch.nn


class GlobalAveragePool(nn.Module):
    """Mean over all positions of each channel: (m, C, ...) -> (m, C)."""

    def forward(self, x):  # pylint: disable=arguments-differ
        return x.flatten(2).mean(dim=2)


class Standardize(nn.Module):
    """(x - mean) * inv_scale per feature in flatten order, the statistics as buffers."""

    def __init__(self, features):
        super().__init__()
        self.register_buffer("input_mean", torch.zeros(features, dtype=torch.float64))
        self.register_buffer("input_inv_scale", torch.ones(features, dtype=torch.float64))

    def forward(self, x):  # pylint: disable=arguments-differ
        flat = x.reshape(x.shape[0], -1)
        return ((flat - self.input_mean) * self.input_inv_scale).reshape(x.shape)


def activation_module(layer):
    name = layer["activation"]
    if name == "linear":
        return None
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "tanh":
        return nn.Tanh()
    if name == "relu":
        return nn.ReLU()
    if name == "leaky_relu":
        return nn.LeakyReLU(layer["alpha"])
    if name == "softmax":
        return nn.Softmax(dim=1)
    raise ValueError("unknown activation " + name)


def layer_modules(layer):
    """The modules of one spec layer, the one with parameters (if any) first."""
    kind, shape = layer["type"], layer["input"]
    modules = []
    if kind == "dense":
        if len(shape) > 1:
            modules.append(nn.Flatten())
        n_in = 1
        for extent in shape:
            n_in *= extent
        modules.append(nn.Linear(n_in, layer["units"]))
    elif kind in ("conv1d", "conv2d"):
        conv = nn.Conv1d if kind == "conv1d" else nn.Conv2d
        padding = layer["padding"]
        modules.append(conv(shape[0], layer["filters"], tuple(layer["kernel"]),
                            stride=tuple(layer["stride"]),
                            padding=padding if padding == "same" else tuple(padding),
                            dilation=tuple(layer["dilation"]), groups=layer["groups"],
                            bias=layer["bias"]))
    elif kind == "batchnorm":
        norm = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
        modules.append(norm(shape[0], eps=layer["eps"], momentum=layer["momentum"]))
    elif kind in ("maxpool1d", "avgpool1d", "maxpool2d", "avgpool2d"):
        pool = {"maxpool1d": nn.MaxPool1d, "avgpool1d": nn.AvgPool1d,
                "maxpool2d": nn.MaxPool2d, "avgpool2d": nn.AvgPool2d}[kind]
        modules.append(pool(tuple(layer["kernel"]), stride=tuple(layer["stride"])))
    elif kind == "global_avgpool":
        modules.append(GlobalAveragePool())
    elif kind == "flatten":
        modules.append(nn.Flatten())
    else:
        raise ValueError("unknown layer type " + kind)
    if "activation" in layer:
        activation = activation_module(layer)
        if activation is not None:
            modules.append(activation)
    return modules


class Network:
    """body: every module but the last layer's activation; final: that activation (or None)."""

    def __init__(self, description):
        self.description = description
        self.batch = description["batch"]
        self.loss = description["loss"]
        modules = []
        self.modules_per_layer = []
        features = 1
        for extent in description["input"]:
            features *= extent
        if description.get("standardize"):
            modules.append(Standardize(features))
        for layer in description["layers"]:
            own = layer_modules(layer)
            modules.extend(own)
            self.modules_per_layer.append(own)
        last = description["layers"][-1]
        self.final = None
        if last.get("activation", "linear") != "linear":
            self.final = modules.pop()
        self.body = nn.Sequential(*modules).double()
        self.input_shape = tuple(description["input"])
        self.outputs = 1
        for extent in description["layers"][-1]["output"]:
            self.outputs *= extent

    def layer_shapes(self, x):
        """Each spec layer's output shape (without the batch) as the torch modules compute it."""
        shapes = []
        with torch.no_grad():
            for own in self.modules_per_layer:
                for module in own:
                    x = module(x)
                shapes.append(list(x.shape[1:]))
        return shapes

    # ---- parameters in <name>_params order ----------------------------------------------------

    def tensors(self):
        """(label, tensor, trainable) in <name>_params order: per module with parameters, weight
        then bias (Linear, Conv), or weight, bias, running_mean, running_var (BatchNorm)."""
        out = []
        for index, module in enumerate(self.body):
            label = "%s %d" % (type(module).__name__, index)
            if isinstance(module, Standardize):
                out.append((label + " input_mean", module.input_mean, False))
                out.append((label + " input_inv_scale", module.input_inv_scale, False))
            elif isinstance(module, (nn.Linear, nn.Conv1d, nn.Conv2d)):
                out.append((label + " weight", module.weight, True))
                if module.bias is not None:
                    out.append((label + " bias", module.bias, True))
            elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                out.append((label + " weight (gamma)", module.weight, True))
                out.append((label + " bias (beta)", module.bias, True))
                out.append((label + " running_mean", module.running_mean, False))
                out.append((label + " running_var", module.running_var, False))
        return out

    def load_flat(self, flat):
        """Set every parameter and running statistic from a flat float64 tensor."""
        offset = 0
        with torch.no_grad():
            for _, tensor, _ in self.tensors():
                count = tensor.numel()
                tensor.copy_(flat[offset:offset + count].reshape(tensor.shape))
                offset += count
        if offset != flat.numel():
            raise ValueError("%d values for %d parameters" % (flat.numel(), offset))

    def flat(self, gradients=False):
        parts = []
        for _, tensor, trainable in self.tensors():
            if gradients:
                grad = tensor.grad if trainable and tensor.grad is not None else None
                parts.append(grad.reshape(-1) if grad is not None
                             else torch.zeros(tensor.numel(), dtype=torch.float64))
            else:
                parts.append(tensor.detach().reshape(-1))
        return torch.cat(parts)

    # ---- layouts ------------------------------------------------------------------------------

    def to_batch(self, X):
        """features x m (flat, samples as columns) -> (m, *input shape)."""
        features = X.numel() // self.batch
        return X.reshape(features, self.batch).t().reshape((self.batch,) + self.input_shape)

    def from_batch(self, A):
        """(m, outputs) -> outputs x m, flat."""
        return A.reshape(A.shape[0], -1).t().reshape(-1)

    # ---- the math -----------------------------------------------------------------------------

    def logits_and_output(self, x):
        z = self.body(x).reshape(x.shape[0], -1)
        return z, (self.final(z) if self.final is not None else z)

    def cost(self, z, a, y):
        m = self.batch
        if self.loss == "mse":
            return ((a - y) ** 2).sum() / m
        if self.loss == "bce":
            return nn.functional.binary_cross_entropy_with_logits(z, y, reduction="sum") / m
        if self.loss == "ce":
            return -(y * torch.log_softmax(z, dim=1)).sum() / m
        raise ValueError("unknown loss " + self.loss)

    def forward_cost_backward(self, X, Y):
        """Training mode. Returns (output features x m, J, gradient in params order); leaves the
        running statistics as they were (gradc's forward and backward do not change them)."""
        saved = self.flat().clone()
        self.body.train()
        self.body.zero_grad()
        z, a = self.logits_and_output(self.to_batch(X))
        y = Y.reshape(self.outputs, self.batch).t()
        J = self.cost(z, a, y)
        J.backward()
        gradient = self.flat(gradients=True).clone()
        self.load_flat(saved)
        return self.from_batch(a.detach()), J.item(), gradient

    def predict(self, X):
        """Eval mode, each sample alone: (m, outputs)."""
        self.body.eval()
        rows = []
        with torch.no_grad():
            batch = self.to_batch(X)
            for j in range(self.batch):
                _, a = self.logits_and_output(batch[j:j + 1])
                rows.append(a.reshape(-1))
        self.body.train()
        return torch.stack(rows)

    def optimizer(self):
        spec = self.description["optimizer"]
        params = [tensor for _, tensor, trainable in self.tensors() if trainable]
        kind, decay = spec["type"], spec["weight_decay"]
        if kind == "sgd":
            return torch.optim.SGD(params, lr=spec["lr"], weight_decay=decay)
        if kind == "momentum":
            return torch.optim.SGD(params, lr=spec["lr"], momentum=spec["beta"], dampening=0,
                                   weight_decay=decay)
        if kind in ("adam", "adamw"):
            optim = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
            return optim(params, lr=spec["lr"], betas=(spec["beta1"], spec["beta2"]),
                         eps=spec["eps"], weight_decay=decay)
        raise ValueError("unknown optimizer " + kind)

    def scheduler(self, optimizer):
        """optimizer.schedule as PyTorch's own scheduler (StepLR, CosineAnnealingLR), stepped
        after every optimizer step; None without one."""
        schedule = self.description["optimizer"].get("schedule")
        if schedule is None:
            return None
        if schedule["type"] == "step":
            return torch.optim.lr_scheduler.StepLR(optimizer, step_size=schedule["every"],
                                                   gamma=schedule["gamma"])
        if schedule["type"] == "cosine":
            return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=schedule["steps"],
                                                              eta_min=schedule["min_lr"])
        raise ValueError("unknown schedule " + schedule["type"])

    def train_steps(self, X, Y, steps):
        """`steps` train steps (training mode: the running statistics update in each forward).
        Returns the J of each step (before its update) and the flat params after them."""
        optimizer = self.optimizer()
        scheduler = self.scheduler(optimizer)
        self.body.train()
        x = self.to_batch(X)
        y = Y.reshape(self.outputs, self.batch).t()
        costs = []
        for _ in range(steps):
            optimizer.zero_grad()
            z, a = self.logits_and_output(x)
            J = self.cost(z, a, y)
            J.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            costs.append(J.item())
        return costs, self.flat().clone()
