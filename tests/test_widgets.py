"""The explorers without a browser: drive the controls from Python, check the readouts and figure.

Every number a readout shows is recomputed here from the data with an independent formula (torch
built-ins written out, scikit-learn, a loop), never with the explorer's own code.
"""

from __future__ import annotations

import io
import math
import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from PIL import Image

from hinge_utils.functional import hinge_loss
from hinge_utils.widgets import canvas as canvas_module
from hinge_utils.widgets import margin_explorer

BOLD = re.compile(r"<b>([^<]*)</b>")


def _bold(html: str) -> list[str]:
    """The numbers a readout shows in bold."""
    return BOLD.findall(html)


def _w(angle: float, norm: float) -> torch.Tensor:
    theta = math.radians(angle)
    return torch.tensor([norm * math.cos(theta), norm * math.sin(theta)], dtype=torch.float64)


@pytest.fixture(autouse=True)
def _no_warnings_no_pyplot_figures():
    """Every test runs with warnings as errors and must leave no pyplot figure behind."""
    before = set(plt.get_fignums())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    assert set(plt.get_fignums()) == before, "an explorer registered a figure with pyplot"


@pytest.fixture(scope="module")
def explorer():
    ex = margin_explorer()
    yield ex
    ex.close()


def _set(ex, **values) -> None:
    with ex.hold():
        for name, value in values.items():
            ex.controls[name].value = value


# ---------------------------------------------------------------------------------------------
# Margin explorer: readouts against independent formulas
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["separable", "overlapping", "outliers"])
@pytest.mark.parametrize(
    ("angle", "norm", "bias", "margin"), [(45.0, 1.0, 0.0, 1.0), (-30.0, 2.5, 1.2, 0.5)]
)
def test_mean_hinge_loss_readout_equals_hinge_loss_on_the_same_data(
    explorer, dataset, angle, norm, bias, margin
):
    _set(
        explorer,
        dataset=dataset,
        loss="hinge",
        scale_bias=False,
        angle=angle,
        norm=norm,
        bias=bias,
        margin=margin,
    )
    X, y = explorer.data
    scores = X @ _w(angle, norm) + bias
    expected = hinge_loss(scores, y, margin=margin)
    by_hand = torch.clamp(margin - y * scores, min=0).mean()  # the definition, written out
    torch.testing.assert_close(expected, by_hand)
    assert _bold(explorer.readouts["loss"].value) == [f"{float(expected):.4f}"]
    assert f"Δ = {margin:.2f}" in explorer.readouts["loss"].value


def test_squared_hinge_and_logistic_readouts_match_torch_and_sklearn(explorer):
    from sklearn.metrics import log_loss

    _set(
        explorer,
        dataset="overlapping",
        scale_bias=False,
        angle=10.0,
        norm=1.5,
        bias=-0.3,
        margin=1.0,
    )
    X, y = explorer.data
    m = y * (X @ _w(10.0, 1.5) - 0.3)
    explorer.controls["loss"].value = "squared_hinge"
    expected = float((torch.clamp(1.0 - m, min=0) ** 2).mean())
    assert _bold(explorer.readouts["loss"].value) == [f"{expected:.4f}"]
    explorer.controls["loss"].value = "logistic"  # the binary cross-entropy, in nats
    probability = torch.sigmoid(X @ _w(10.0, 1.5) - 0.3).numpy()
    expected = log_loss((y.numpy() + 1) / 2, probability, labels=[0, 1])
    assert _bold(explorer.readouts["loss"].value) == [f"{expected:.4f}"]
    assert "no Δ" in explorer.readouts["loss"].value
    explorer.controls["loss"].value = "hinge"


@pytest.mark.parametrize(
    ("loss", "count"),
    [
        ("hinge", lambda m, delta: int((m < delta).sum())),
        ("squared_hinge", lambda m, delta: int((m < delta).sum())),
        ("logistic", lambda m, delta: len(m)),  # sigma(-m) > 0 for every sample
    ],
)
def test_nonzero_gradient_count(explorer, loss, count):
    _set(
        explorer,
        dataset="overlapping",
        loss=loss,
        scale_bias=False,
        angle=60.0,
        norm=0.8,
        bias=0.4,
        margin=1.5,
    )
    X, y = explorer.data
    margins = (y * (X @ _w(60.0, 0.8) + 0.4)).numpy()
    assert _bold(explorer.readouts["gradient"].value) == [str(count(margins, 1.5))]


def test_worst_point_functional_and_geometric_margins_by_a_loop(explorer):
    _set(
        explorer,
        dataset="separable",
        loss="hinge",
        scale_bias=False,
        angle=40.0,
        norm=2.0,
        bias=0.5,
        margin=1.0,
    )
    X, y = explorer.data
    w = _w(40.0, 2.0).tolist()
    functional, geometric = [], []
    for (x1, x2), label in zip(X.tolist(), y.tolist(), strict=True):
        score = w[0] * x1 + w[1] * x2 + 0.5
        functional.append(label * score)
        geometric.append(label * score / math.hypot(*w))  # signed distance to the line
    assert _bold(explorer.readouts["functional"].value) == [f"{min(functional):.3f}"]
    assert _bold(explorer.readouts["geometric"].value) == [f"{min(geometric):.3f}"]


def test_scaling_w_with_b_moves_functional_margin_and_loss_not_geometric(explorer):
    _set(
        explorer,
        dataset="overlapping",
        loss="hinge",
        scale_bias=True,
        angle=45.0,
        norm=1.0,
        margin=1.0,
    )
    explorer.controls["bias"].value = 0.5
    before = {k: _bold(v.value)[0] for k, v in explorer.readouts.items()}
    explorer.controls["norm"].value = 2.0  # b follows: 0.5 -> 1.0, the boundary stays
    after = {k: _bold(v.value)[0] for k, v in explorer.readouts.items()}
    assert explorer.controls["bias"].value == pytest.approx(1.0)
    assert after["geometric"] == before["geometric"]
    assert float(after["functional"]) == pytest.approx(2 * float(before["functional"]), abs=2e-3)
    assert after["loss"] != before["loss"]
    # the same move without the lock shifts the boundary, so the geometric margin changes
    explorer.controls["scale_bias"].value = False
    explorer.controls["norm"].value = 1.0
    assert explorer.controls["bias"].value == pytest.approx(1.0)
    assert _bold(explorer.readouts["geometric"].value)[0] != after["geometric"]


def test_a_bias_set_at_w_zero_survives_when_w_grows_again():
    # |w| = 0, then b = -3, then |w| = 1, with "scale b with |w|" on: b must stay -3 (it used to
    # become 0.0 silently: b / |w| was undefined and the last ratio was reused).
    ex = margin_explorer(norm=1.0, bias=0.0)
    try:
        _set(ex, scale_bias=True)
        ex.controls["norm"].value = 0.0
        ex.controls["bias"].value = -3.0
        ex.controls["norm"].value = 1.0
        assert ex.bias == pytest.approx(-3.0)
        ex.controls["norm"].value = 2.0  # from here on the boundary stays: b / |w| = -3
        assert ex.bias == pytest.approx(-6.0)
    finally:
        ex.close()


def test_scaling_w_never_clips_b_so_the_boundary_stays():
    # b = 4 at |w| = 1, then |w| to 4: b must reach 16 (b / |w| = 4), not stop at the slider's
    # old end, 8 (b / |w| = 2 would move the boundary while the docstring says it stays).
    ex = margin_explorer(norm=1.0, bias=0.0)
    try:
        _set(ex, scale_bias=True)
        ex.controls["bias"].value = 4.0
        for norm in (2.0, 3.0, 4.0):
            ex.controls["norm"].value = norm
        assert ex.bias == pytest.approx(16.0)
        assert ex.controls["bias"].max >= 16.0
        assert ex.bias / ex.param("norm") == pytest.approx(4.0)
    finally:
        ex.close()


def test_w_zero_says_no_boundary_and_still_reports_the_loss(explorer):
    _set(
        explorer,
        dataset="overlapping",
        loss="hinge",
        scale_bias=False,
        norm=0.0,
        bias=0.25,
        margin=1.0,
    )
    X, y = explorer.data
    m = y * 0.25  # f(x) = b everywhere
    expected = float(torch.clamp(1.0 - m, min=0).mean())
    assert _bold(explorer.readouts["loss"].value) == [f"{expected:.4f}"]
    assert "no boundary" in explorer.readouts["geometric"].value
    assert "undefined" in explorer.readouts["geometric"].value
    assert explorer.boundary.message.get_visible()
    assert explorer.boundary.message.get_text() == "no boundary (w = 0)"
    assert explorer.boundary.boundary.get_xydata().size == 0
    assert "no boundary" in explorer.caption.value


def test_zero_readouts_never_show_negative_zero(explorer):
    _set(explorer, dataset="overlapping", loss="hinge", scale_bias=False, norm=0.0, bias=0.0)
    text = " ".join(v.value for v in explorer.readouts.values())
    assert "-0.000" not in text


SLIDER_ENDS = [
    (name, end) for name in ("angle", "norm", "bias", "margin") for end in ("min", "max")
]


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge", "logistic"])
@pytest.mark.parametrize(("name", "end"), SLIDER_ENDS)
def test_every_slider_end_draws_without_error(explorer, loss, name, end):
    _set(
        explorer,
        dataset="outliers",
        loss=loss,
        scale_bias=True,
        angle=45.0,
        norm=1.0,
        bias=0.0,
        margin=1.0,
    )
    slider = explorer.controls[name]
    frames = explorer.frames
    slider.value = getattr(slider, end)
    assert explorer.frames == frames + 1
    for line in explorer.readouts.values():
        assert not re.search(r"nan|inf", line.value), line.value
    Image.open(io.BytesIO(explorer.png)).verify()


def test_all_extremes_at_once(explorer):
    for dataset in ("separable", "overlapping", "outliers"):
        for norm in (0.0, 4.0):
            for margin in (0.0, 3.0):
                _set(explorer, dataset=dataset, loss="hinge", scale_bias=False, norm=norm,
                     margin=margin, bias=8.0, angle=180.0)
                X, y = explorer.data
                # w = norm * (cos 180, sin 180) = (-norm, 0): f(x) = -norm * x1 + 8
                m = [label * (-norm * x1 + 8.0) for (x1, _), label in zip(X.tolist(), y.tolist(),
                                                                          strict=True)]
                loss = sum(max(0.0, margin - mi) for mi in m) / len(m)
                assert _bold(explorer.readouts["loss"].value) == [f"{loss:.4f}"]
                assert _bold(explorer.readouts["functional"].value) == [f"{min(m) + 0.0:.3f}"]
                geometric = _bold(explorer.readouts["geometric"].value)
                band = _bold(explorer.readouts["band"].value)
                if norm == 0.0:
                    assert geometric == band == ["undefined"]
                else:
                    assert geometric == [f"{min(m) / norm:.3f}"]
                    assert band == [f"{margin / norm:.3f}"]


def test_margin_zero_hides_the_margin_arrow_and_band(explorer):
    _set(explorer, dataset="overlapping", loss="hinge", norm=1.0, margin=0.5, angle=45.0, bias=0.0)
    assert explorer.boundary.band.get_visible() and explorer.boundary.arrow.get_visible()
    explorer.controls["margin"].value = 0.0
    assert not explorer.boundary.band.get_visible()
    assert not explorer.boundary.arrow.get_visible()
    explorer.controls["margin"].value = 1.0


# ---------------------------------------------------------------------------------------------
# Margin explorer: redraws
# ---------------------------------------------------------------------------------------------


def test_one_frame_per_slider_move_and_one_for_a_held_batch(explorer):
    frames = explorer.frames
    explorer.controls["angle"].value = 12.0
    assert explorer.frames == frames + 1
    with explorer.hold():
        explorer.controls["angle"].value = 13.0
        explorer.controls["bias"].value = 0.3
        explorer.controls["margin"].value = 0.7
        assert explorer.frames == frames + 1  # nothing drawn inside the block
    assert explorer.frames == frames + 2


def test_a_new_value_gives_a_new_image_and_a_caption_that_names_it(explorer):
    _set(
        explorer,
        dataset="overlapping",
        loss="hinge",
        scale_bias=False,
        angle=45.0,
        norm=1.0,
        bias=0.0,
        margin=1.0,
    )
    png = explorer.png
    explorer.controls["bias"].value = 0.5
    assert explorer.png != png
    assert "b = 0.500" in explorer.caption.value
    assert explorer.caption.value.endswith(
        f"worst geometric margin {float(_bold(explorer.readouts['geometric'].value)[0]):.3f}."
    )


def test_figure_png_decodes_to_the_figure_pixels(explorer):
    image = Image.open(io.BytesIO(explorer.png))
    assert image.format == "PNG"
    assert image.size == explorer.canvas.pixel_size
    rgba = np.asarray(explorer.canvas.figure.canvas.buffer_rgba())
    np.testing.assert_array_equal(np.asarray(image.convert("RGB")), rgba[..., :3])


def test_set_params_moves_the_sliders_in_one_frame(explorer):
    explorer.controls["scale_bias"].value = True
    frames = explorer.frames
    explorer.set_params(weight=torch.tensor([0.0, -2.0]), bias=1.5)
    assert explorer.frames == frames + 1
    assert explorer.controls["angle"].value == pytest.approx(-90.0)
    assert explorer.controls["norm"].value == pytest.approx(2.0)
    assert explorer.controls["bias"].value == pytest.approx(1.5)


def test_bad_arguments_name_the_choices():
    from hinge_utils.widgets import loss_explorer, multiclass_explorer

    with pytest.raises(ValueError, match="dataset must be one of"):
        margin_explorer(dataset="moons")
    with pytest.raises(ValueError, match="loss must be one of"):
        margin_explorer(loss="hinge2")
    with pytest.raises(ValueError, match=r"got 'cross_entropy' \(the binary cross-entropy is "
                                         r"'logistic'\)"):
        margin_explorer(loss="cross_entropy")
    with pytest.raises(ValueError, match=r"norm must be in \[0, 4\]; got 5"):
        margin_explorer(norm=5)
    with pytest.raises(TypeError, match="margin must be a real number; got str"):
        margin_explorer(margin="1")
    with pytest.raises(ValueError, match="loss must be one of"):
        multiclass_explorer(loss="softmax")
    with pytest.raises(ValueError, match=r"lam must be in \[0, 1\]"):
        multiclass_explorer(lam=-0.1)
    with pytest.raises(ValueError, match=r"tau must be in \[0.01, 3.16228\]"):
        loss_explorer(tau=0.0)
    with pytest.raises(ValueError, match=r"show must hold keys of hinge_utils.losses.BINARY; "
                                         r"got \['huber'\]"):
        loss_explorer(show=("hinge", "huber"))


def test_custom_data(explorer):
    X = torch.tensor([[1.0, 1.0], [-1.0, -1.0]])
    y = torch.tensor([1.0, -1.0])
    ex = margin_explorer("mine", datasets={"mine": (X, y)}, angle=45.0, norm=1.0)
    # m = (1 + 1) / sqrt(2) = 1.414 for both: beyond the margin, no loss
    assert _bold(ex.readouts["loss"].value) == ["0.0000"]
    assert _bold(ex.readouts["functional"].value) == ["1.414"]
    ex.close()


# ---------------------------------------------------------------------------------------------
# The PNG encoder
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("channels", [3, 4])
def test_encode_png_round_trips_through_pillow(channels):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(7, 5, channels), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(canvas_module.encode_png(pixels))))
    np.testing.assert_array_equal(decoded, pixels)


def test_encode_png_rejects_float_pixels():
    with pytest.raises(ValueError, match="uint8 array of shape"):
        canvas_module.encode_png(np.zeros((2, 2, 3)))


def test_fit_moves_the_sliders_to_the_svm_optimum(explorer):
    from sklearn.svm import SVC

    _set(explorer, dataset="separable", loss="hinge", margin=1.0)
    explorer.fit()
    X, y = explorer.data
    # scikit-learn's SVC minimises (1/2)||w||^2 + C sum hinge: lambda = 1 / (N C)
    svc = SVC(kernel="linear", C=1 / (len(y) * explorer.fit_lambda), tol=1e-10)
    svc.fit(X.numpy(), y.numpy())
    np.testing.assert_allclose(explorer.weight.numpy(), svc.coef_[0], rtol=1e-4, atol=1e-5)
    assert explorer.bias == pytest.approx(float(svc.intercept_[0]), abs=1e-4)
    # the sliders show the optimum on their grid: 1 degree, 0.05, 0.05
    w = svc.coef_[0]
    assert explorer.controls["angle"].value == round(math.degrees(math.atan2(w[1], w[0])))
    assert explorer.controls["norm"].value == pytest.approx(float(np.hypot(*w)), abs=0.025)
    assert explorer.controls["bias"].value == pytest.approx(float(svc.intercept_[0]), abs=0.025)


def test_fit_with_margin_two_is_twice_the_margin_one_optimum_with_lambda_doubled(explorer):
    from hinge_utils.training import train_linear_svm

    _set(explorer, dataset="overlapping", loss="hinge", margin=2.0)
    explorer.fit()
    X, y = explorer.data
    # brute force check of the rescaling argument: the optimum of
    # mean [2 - m]_+ + lam/2 ||w||^2 is 2 x the optimum of mean [1 - m]_+ + (2 lam)/2 ||w||^2
    reference = train_linear_svm(X, y, lam=2 * explorer.fit_lambda)
    w = 2 * reference.weight
    torch.testing.assert_close(explorer.weight, w.double())

    def objective(w, b):
        return float(torch.clamp(2.0 - y * (X @ w + b), min=0).mean()
                     + explorer.fit_lambda / 2 * (w @ w))

    best = objective(explorer.weight, explorer.bias)
    for dw in (torch.tensor([0.01, 0.0]), torch.tensor([0.0, -0.01])):
        assert objective(explorer.weight + dw.double(), explorer.bias) >= best - 1e-12
    assert objective(explorer.weight, explorer.bias + 0.01) >= best - 1e-12
    explorer.controls["margin"].value = 1.0


# ---------------------------------------------------------------------------------------------
# Multi-class explorer
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def classes():
    from hinge_utils.widgets import multiclass_explorer

    ex = multiclass_explorer()
    yield ex
    ex.close()


def _set_model(ex, W, b):
    ex.set_params(weight=torch.as_tensor(W, dtype=torch.float64),
                  bias=torch.as_tensor(b, dtype=torch.float64))


def _ww_by_loop(scores, y, delta):
    total = 0.0
    for row, c in zip(scores.tolist(), y.tolist(), strict=True):
        total += sum(max(0.0, s - row[c] + delta) for k, s in enumerate(row) if k != c)
    return total / len(y)


MODEL = ([[0.8, -0.3], [-0.6, 1.2], [0.2, -1.1]], [0.1, 0.4, -0.2])


@pytest.mark.parametrize("delta", [1.0, 0.4])
def test_multiclass_loss_readouts_match_torch_sklearn_and_a_loop(classes, delta):
    from sklearn.metrics import hinge_loss as sk_hinge
    from sklearn.metrics import log_loss

    _set_model(classes, *MODEL)
    classes.controls["margin"].value = delta
    X, y = classes.X, classes.y
    scores = X @ torch.tensor(MODEL[0], dtype=torch.float64).T + torch.tensor(MODEL[1]).double()
    expected = {
        "weston_watkins": _ww_by_loop(scores, y, delta),
        "one_vs_rest": sum(max(0.0, delta - (1 if k == c else -1) * s)
                          for row, c in zip(scores.tolist(), y.tolist(), strict=True)
                          for k, s in enumerate(row)) / len(y),
        "cross_entropy": log_loss(y.numpy(), torch.softmax(scores, 1).numpy(), labels=[0, 1, 2]),
    }
    if delta == 1.0:
        expected["crammer_singer"] = sk_hinge(y.numpy(), scores.numpy(), labels=[0, 1, 2])
        torch.testing.assert_close(  # torch's multi_margin_loss divides the WW sum by K
            torch.tensor(expected["weston_watkins"], dtype=torch.float64),
            3 * torch.nn.functional.multi_margin_loss(scores, y))
    for loss, value in expected.items():
        classes.controls["loss"].value = loss
        assert _bold(classes.readouts["data_loss"].value) == [f"{value:.4f}"], loss
    classes.controls["margin"].value = 1.0
    classes.controls["loss"].value = "weston_watkins"


def test_multiclass_regularisation_objective_and_accuracy(classes):
    _set_model(classes, *MODEL)
    classes.controls["lam"].value = 0.3
    W = torch.tensor(MODEL[0], dtype=torch.float64)
    penalty = 0.3 / 2 * sum(v * v for row in MODEL[0] for v in row)
    assert _bold(classes.readouts["regularization"].value) == [f"{penalty:.4f}"]
    scores = classes.X @ W.T + torch.tensor(MODEL[1]).double()
    data = _ww_by_loop(scores, classes.y, 1.0)
    assert _bold(classes.readouts["objective"].value) == [f"{data + penalty:.4f}"]
    correct = sum(int(max(range(3), key=lambda k, r=row: r[k]) == c)
                  for row, c in zip(scores.tolist(), classes.y.tolist(), strict=True))
    assert _bold(classes.readouts["accuracy"].value) == [str(correct)]
    classes.controls["lam"].value = 0.1


def test_multiclass_table_lists_every_sample_and_its_loss(classes):
    _set_model(classes, *MODEL)
    html = classes.table.value
    rows = re.findall(r"<tr><td>(\d+)</td>.*?</tr>", html)
    assert rows == [str(i) for i in range(len(classes.y))]
    scores = classes.X @ torch.tensor(MODEL[0]).double().T + torch.tensor(MODEL[1]).double()
    last_cells = re.findall(r"<td>(?:<b>)?([0-9.]+)(?:</b>)?</td></tr>", html)
    for row, c, shown in zip(scores.tolist(), classes.y.tolist(), last_cells, strict=True):
        by_hand = sum(max(0.0, s - row[c] + 1.0) for k, s in enumerate(row) if k != c)
        assert shown == f"{by_hand:.3f}"


def test_multiclass_step_is_one_gradient_step_of_the_objective(classes):
    _set_model(classes, *MODEL)
    classes.controls["loss"].value = "weston_watkins"
    classes.controls["lam"].value = 0.1
    classes.controls["lr"].value = 0.2
    W = torch.tensor(MODEL[0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(MODEL[1], dtype=torch.float64, requires_grad=True)
    scores = classes.X @ W.T + b
    objective = 3 * torch.nn.functional.multi_margin_loss(scores, classes.y) + 0.05 * (W * W).sum()
    grad_W, grad_b = torch.autograd.grad(objective, (W, b))
    frames = classes.frames
    classes.step()
    assert classes.frames == frames + 1  # nine sliders moved, one redraw
    torch.testing.assert_close(classes.weight, (W - 0.2 * grad_W).detach())
    torch.testing.assert_close(classes.bias, (b - 0.2 * grad_b).detach())
    classes.reset()
    torch.testing.assert_close(classes.weight, torch.tensor(
        [[1.0, -0.5], [-0.5, 1.5], [0.5, 0.5]], dtype=torch.float64))


@pytest.mark.parametrize("loss", ["weston_watkins", "crammer_singer", "one_vs_rest",
                                  "cross_entropy"])
def test_multiclass_slider_ends_draw_without_error(classes, loss):
    classes.controls["loss"].value = loss
    for name in ("w00", "w11", "b2", "margin", "lam", "lr"):
        slider = classes.controls[name]
        for end in (slider.min, slider.max):
            slider.value = end
            assert not re.search(r"nan|inf", classes.readouts["objective"].value)
    _set_model(classes, np.zeros((3, 2)), np.zeros(3))  # all scores tie: every w_k = 0
    classes.step(10)
    Image.open(io.BytesIO(classes.png)).verify()
    classes.reset()


# ---------------------------------------------------------------------------------------------
# Loss explorer
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def losses():
    from hinge_utils.widgets import loss_explorer

    ex = loss_explorer()
    yield ex
    ex.close()


@pytest.mark.parametrize(("delta", "tau"), [(1.0, 0.5), (0.0, 1.0), (1.5, 0.05)])
def test_loss_curves_match_torch_formulas(losses, delta, tau):
    with losses.hold():
        losses.controls["margin"].value = delta
        losses.controls["tau"].value = tau
    tau = losses.controls["tau"].value  # the log slider may round tau to its step
    m = torch.from_numpy(losses.lines["hinge"][0].get_xdata())
    hinge = losses.lines["hinge"][0].get_ydata()
    np.testing.assert_allclose(hinge, torch.clamp(delta - m, min=0).numpy())
    softplus = torch.nn.functional.softplus(delta - m, beta=1 / tau, threshold=1e9)
    np.testing.assert_allclose(losses.lines["softplus_hinge"][0].get_ydata(), softplus.numpy(),
                               rtol=1e-9, atol=1e-12)
    m_grad = m.clone().requires_grad_(True)
    (slope,) = torch.autograd.grad(
        torch.nn.functional.softplus(delta - m_grad, beta=1 / tau, threshold=1e9).sum(), m_grad)
    np.testing.assert_allclose(losses.lines["softplus_hinge"][1].get_ydata(), slope.numpy(),
                               rtol=1e-9, atol=1e-12)
    # the gap readout against the bound tau log 2 (reached at m = Delta when it is on the grid)
    gap = float(_bold(losses.readouts["gap_hinge"].value)[0])
    assert gap == pytest.approx(tau * math.log(2), abs=6e-4)
    assert _bold(losses.readouts["bound"].value) == [f"{tau * math.log(2):.4f}"]


def test_softplus_hinge_is_cross_entropy_at_tau_one_margin_zero(losses):
    with losses.hold():
        losses.controls["margin"].value = 0.0
        losses.controls["tau"].value = 1.0
    assert _bold(losses.readouts["gap_cross_entropy"].value) == ["0.0000"]
    # the two curves drawn on top of each other: log(1 + e^-m) by torch's softplus
    m = torch.from_numpy(losses.lines["softplus_hinge"][0].get_xdata())
    for key in ("softplus_hinge", "logistic"):
        np.testing.assert_allclose(losses.lines[key][0].get_ydata(),
                                   torch.nn.functional.softplus(-m).numpy(), rtol=1e-12)


def test_ticking_curves_shows_and_hides_them(losses):
    for key in ("exponential", "hinge"):
        box = losses.controls[f"show_{key}"]
        for value in (not box.value, box.value):
            frames = losses.frames
            box.value = value
            assert losses.frames == frames + 1
            assert losses.lines[key][0].get_visible() is value
    for name, box in losses.controls.items():  # no curve at all is a valid state
        if name.startswith("show_"):
            box.value = False
    assert "no curve" in losses.caption.value
    assert not losses.canvas.figure.legends
    Image.open(io.BytesIO(losses.png)).verify()
    for name in ("show_hinge", "show_softplus_hinge", "show_logistic"):
        losses.controls[name].value = True


@pytest.mark.parametrize("name", ["margin", "tau"])
def test_loss_slider_ends_draw_without_error(losses, name):
    slider = losses.controls[name]
    for end in (slider.min, slider.max):
        slider.value = 10**end if name == "tau" else end
        for line in losses.readouts.values():
            assert not re.search(r"nan|inf", line.value)


# ---------------------------------------------------------------------------------------------
# The app command
# ---------------------------------------------------------------------------------------------


def _as_voila_reads_it(command: list[str]):
    """The settings Voila itself parses from the command line (its own parser: the oracle)."""
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    from voila.app import Voila

    assert command[1:3] == ["-m", "voila"]
    app = Voila()
    app.parse_command_line(command[3:])
    return app, MappingKernelManager(config=app.config)


def test_voila_command_listens_on_loopback_with_a_token_and_culls_kernels():
    from hinge_utils.widgets.app import DEFAULT_NOTEBOOK, voila_command

    app, kernels = _as_voila_reads_it(voila_command("lesson.ipynb", open_browser=False))
    assert app.extra_args == ["lesson.ipynb"]
    assert app.ip == "127.0.0.1" and app.open_browser is False
    assert app.config.Voila.auto_token is True  # Voila generates a token and prints the URL
    # a kernel no page is connected to (reloaded, closed) goes within a minute; an open one stays
    assert kernels.cull_idle_timeout + kernels.cull_interval <= 60
    assert kernels.cull_idle_timeout >= 10  # a page that is still connecting keeps its kernel
    assert kernels.cull_connected is False
    assert DEFAULT_NOTEBOOK.as_posix() == "apps/explorer.ipynb"
    with pytest.raises(ValueError, match="0 turns culling off"):
        voila_command("lesson.ipynb", cull_idle_seconds=0)
    app, _ = _as_voila_reads_it(voila_command("lesson.ipynb", port=8899, token="abc"))
    assert app.config.Voila.token == "abc"
    assert (app.port, app.port_retries, app.open_browser) == (8899, 0, True)
    with pytest.raises(ValueError, match="empty token turns authentication off"):
        voila_command("lesson.ipynb", token="")


# ---------------------------------------------------------------------------------------------
# Values computed in Python stay exact; their sliders only show them on the step grid
# ---------------------------------------------------------------------------------------------


def _sliders_on_their_grid(ex) -> None:
    """A browser slider snaps what it is sent to its grid and sends that back: send grid values."""
    from hinge_utils.widgets.base import snap_to_step

    for name, control in ex.controls.items():
        if type(control).__name__ == "FloatSlider":
            assert control.value == snap_to_step(control.value, control.min, control.max,
                                                 control.step), name


def test_fit_keeps_the_exact_optimum_and_puts_sliders_on_their_grid(explorer):
    from hinge_utils.training import train_linear_svm

    _set(explorer, dataset="overlapping", loss="hinge", margin=1.0)
    explorer.fit()
    _sliders_on_their_grid(explorer)
    X, y = explorer.data
    reference = train_linear_svm(X, y, lam=explorer.fit_lambda)
    torch.testing.assert_close(explorer.weight, reference.weight.double())  # not rounded
    assert explorer.bias == pytest.approx(float(reference.bias), abs=1e-12)
    assert explorer.controls["bias"].value != explorer.bias  # the slider shows it rounded
    # the browser echoes each slider's own (grid) value back: nothing changes
    frames, w, b = explorer.frames, explorer.weight, explorer.bias
    for name in ("angle", "norm", "bias"):
        explorer.controls[name].value = explorer.controls[name].value
    assert explorer.frames == frames
    torch.testing.assert_close(explorer.weight, w)
    assert explorer.bias == b


def test_the_scale_lock_keeps_b_over_norm_exactly(explorer):
    _set(explorer, dataset="overlapping", loss="hinge", scale_bias=True, angle=45.0, norm=1.0)
    explorer.controls["bias"].value = 0.35
    for norm in (1.35, 2.9, 0.05, 3.55):
        explorer.controls["norm"].value = norm
        assert explorer.bias / norm == pytest.approx(0.35, rel=1e-12)
        _sliders_on_their_grid(explorer)


def test_multiclass_step_leaves_sliders_on_their_grid(classes):
    classes.reset()
    classes.step()
    _sliders_on_their_grid(classes)
    assert not torch.equal(classes.weight, torch.tensor(
        [[classes.controls[f"w{k}{j}"].value for j in range(2)] for k in range(3)],
        dtype=torch.float64))  # the exact step, not its rounding
    classes.reset()


def test_a_browser_echo_with_float_noise_is_ignored(classes):
    classes.reset()
    classes.step()
    W, frames = classes.weight, classes.frames
    slider = classes.controls["w00"]
    slider.value = slider.value - 2e-16  # what the page sends back: 1.05 as 1.0499999999999998
    assert classes.frames == frames
    torch.testing.assert_close(classes.weight, W, rtol=0, atol=0)
    classes.reset()


# ---------------------------------------------------------------------------------------------
# The app view (make explore): tabs, reset, the data set kept, the figure at 96 dpi
# ---------------------------------------------------------------------------------------------


def test_an_unknown_view_names_the_choices():
    from hinge_utils.widgets import loss_explorer

    with pytest.raises(ValueError, match=r"view must be one of \['lesson', 'app'\]; got 'tv'"):
        loss_explorer(view="tv")


def test_reset_restores_every_control_but_the_data_set():
    ex = margin_explorer(view="app")
    start = margin_explorer(view="app")  # an untouched twin: the oracle for "the start"
    try:
        _set(ex, dataset="outliers")
        start.controls["dataset"].value = "outliers"
        _set(ex, loss="squared_hinge", angle=-100.0, margin=2.0, scale_bias=False)
        ex.controls["norm"].value = 3.0
        ex.fit()
        ex.reset()
        assert ex.controls["dataset"].value == "outliers"
        for name in ("loss", "angle", "norm", "bias", "margin", "scale_bias"):
            assert ex.controls[name].value == start.controls[name].value, name
        assert ex.readouts["loss"].value == start.readouts["loss"].value
        assert ex.caption.value == start.caption.value
        ex.controls["norm"].value = 2.0  # the lock scales b from the start's b / ||w|| again
        start.controls["norm"].value = 2.0
        assert ex.bias == start.bias
    finally:
        ex.close()
        start.close()


def test_app_view_keeps_the_data_set_across_tabs_and_toggles_the_help():
    from hinge_utils.widgets.app_view import explorer_app

    app = explorer_app()
    try:
        margin = app.explorers["margin"]
        margin.controls["dataset"].value = "separable"
        X, _ = margin.data
        for index in (1, 2, 0):
            app.tabs.selected_index = index
        assert margin.controls["dataset"].value == "separable"
        assert margin.data[0] is X
        toggle, panel = app.help["loss"]
        assert panel.layout.display == "none"
        toggle.value = True
        assert panel.layout.display == "block"
        toggle.value = False
        assert panel.layout.display == "none"
        for explorer in app.explorers.values():  # 96 dpi: figure points are screen points
            assert explorer.canvas.figure.dpi == 96
            assert "hu-sr-only" in explorer.caption._dom_classes
    finally:
        app.close()
