# %% [markdown]
# # 14 · Why regularization works: capacity, priors, early stopping as a penalty, dropout as an ensemble
#
# **Topics:** capacity: networks of growing width on one data set, training and validation loss
# against the number of weights, where over-fitting starts; Ridge as the most probable weights
# under a Gaussian prior (the prior variance for a given alpha, checked against `Ridge`) and the
# Lasso under a Laplace prior; early stopping as an L2 penalty: gradient descent's iterates
# against the Ridge path, the effective alpha of a number of steps; dropout as an ensemble:
# weight scaling, the average of many Monte Carlo masks and an explicitly bagged ensemble on the
# same data
#
# The textbooks (Goodfellow, Bengio and Courville, *Deep Learning*, chapter 7) state four
# explanations of regularization: too much capacity is what it controls; a penalty is a prior
# belief about the weights; stopping early is a penalty in disguise; dropout trains an
# ensemble. Each section below turns one statement into an experiment whose numbers you can
# check on your screen.
#
# **Tutorial questions answered:** 1 (why we need regularization), 2 (L1 against L2, seen as
# two priors), 5 (how to see over-fitting: capacity) and 13 (what dropout does at test time, and
# why weight scaling works); in part 20 (what too strong a prior means).
#
# **Runtime:** about 10 s on a 2-core laptop (NumPy, SciPy and scikit-learn only: 40 small
# networks trained in NumPy, no TensorFlow).

# %% [markdown] tags=["launch-badges", "remove-cell"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/regularization-course/regularization-in-neural-networks/blob/main/notebooks/14_why_regularization_works.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/regularization-course/regularization-in-neural-networks/main?urlpath=lab/tree/notebooks/14_why_regularization_works.ipynb)

# %% tags=["colab-setup", "remove-cell"]
# On Google Colab or in JupyterLite only: install the course package (they have the
# rest; --no-deps keeps Colab's own packages). Anywhere else this cell does nothing.
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "course_utils @ git+https://github.com/regularization-course/regularization-in-neural-networks"
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--no-deps", package], check=True)
elif sys.platform == "emscripten":  # JupyterLite (Pyodide): the wheel the site serves
    import piplite

    await piplite.install("course_utils", deps=False)

# %%
from course_utils import setup_notebook

rng = setup_notebook(seed=42)

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import optimize, stats
from sklearn.linear_model import Lasso, Ridge

from course_utils.data import make_noisy_moons, make_sparse_regression
from course_utils.figures import show_figure
from course_utils.numpy_mlp import accuracy, count_weights, log_loss, predict_proba, train_mlp

# %% [markdown]
# The networks here are notebook 13's NumPy network, packed into `course_utils.numpy_mlp`
# (ReLU hidden layers, one sigmoid output, optional L2 and inverted dropout, trained with Adam):
# training forty of them takes seconds without TensorFlow.
#
# ## 1. Capacity: how many weights before over-fitting starts?
#
# One data set, notebook 07's 100 noisy half-moon points (500 for validation), and networks with
# two hidden layers of 1 to 128 units: from 7 weights to about 17,000 (biases counted with
# the weights). Each trains for 1,000 full-batch Adam steps (learning rate 0.01) from
# He-initialized weights, with no regularization at all, and each width is trained from three
# random initializations (seeds 0, 1, 2): one network per width would let the luck of one
# draw decide where the turn lies.

# %%
moons = make_noisy_moons(n_train=100, n_val=500, n_test=500, noise=0.3, seed=42)
X, y, X_val, y_val = moons.X_train, moons.y_train, moons.X_val, moons.y_val
widths = [1, 2, 3, 4, 6, 8, 16, 32, 64, 128]
capacity_seeds = [0, 1, 2]

capacity_runs = []
for width in widths:
    sizes = [2, width, width, 1]
    for seed in capacity_seeds:
        net = train_mlp(sizes, X, y, steps=1000, learning_rate=0.01, seed=seed)
        proba_val = predict_proba(net.params, X_val)
        capacity_runs.append(
            {
                "width": width,
                "seed": seed,
                "weights": count_weights(sizes),
                "train_loss": log_loss(y, predict_proba(net.params, X)),
                "val_loss": log_loss(y_val, proba_val),
                "val_acc": accuracy(y_val, proba_val),
            }
        )
capacity_runs = pd.DataFrame(capacity_runs)
capacity = capacity_runs.groupby("width").mean().drop(columns="seed")
capacity["weights"] = capacity["weights"].astype(int)
capacity["gap"] = capacity["val_loss"] - capacity["train_loss"]
val_by_seed = capacity_runs.pivot(index="width", columns="seed", values="val_loss")
print("means over the three seeds:")
print(capacity.round(3).to_string())
print("\nvalidation loss of each network (columns: seed):")
print(val_by_seed.round(3).to_string())
best_width = int(capacity["val_loss"].idxmin())
best_per_seed = {seed: int(val_by_seed[seed].idxmin()) for seed in capacity_seeds}
print(
    f"lowest mean validation loss: width {best_width} "
    f"({capacity.loc[best_width, 'weights']} weights), {capacity.loc[best_width, 'val_loss']:.3f}; "
    f"best width of each seed: {best_per_seed}"
)

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.8))
ax.plot(capacity["weights"], capacity["train_loss"], "o-", label="training (mean of 3)")
ax.plot(capacity["weights"], capacity["val_loss"], "s--", label="validation (mean of 3)")
ax.plot(
    capacity_runs["weights"],
    capacity_runs["val_loss"],
    ".",
    color="C1",
    alpha=0.4,
    label="validation, each seed",
)
ax.axvline(
    capacity.loc[best_width, "weights"], color="0.5", linestyle=":", label="lowest mean validation"
)
ax.set_xscale("log")
ax.set_xlabel("number of weights (two hidden layers of 1 to 128 units)")
ax.set_ylabel("cross-entropy after 1,000 steps")
ax.set_title("More capacity: the training loss falls, the validation loss turns")
ax.legend()
show_figure(
    "Training and validation cross-entropy, means over three seeds, against the number of "
    "weights of the network (log scale), with the validation loss of each network as faint "
    "dots and a vertical line at the best width: the training loss falls as the network "
    "grows, the validation loss is lowest for small networks and then climbs and stays high."
)

# %% [markdown]
# Two regimes. With one unit per layer the network cannot fit the training data: training and
# validation loss are both high (under-fitting), and one of its three initializations never
# learns at all (validation loss 0.693, that is $\log 2$, what a constant prediction of 0.5
# scores). The validation loss is lowest for 2 to 4 units per layer (15 to 37 weights), where
# its means lie within 0.02 of each other (0.373, 0.379, 0.390) and each seed has its best
# width somewhere else in that range: the best size is a broad, noisy minimum, not one number.
# From width 6 on, over-fitting takes over: the mean training loss keeps falling towards zero,
# the mean validation loss climbs (0.524 at width 6, 0.743 at width 8) and stays above 1 from
# width 16 on, and the gap grows with the number of weights until the training set is
# memorized completely (mean training loss 0.000 for the two widest), where it levels off at
# about 1.6. The extra weights are spent on memorizing the noisy points. This is notebook 02's
# U-shaped validation curve, with the number of weights in place of the polynomial degree;
# where exactly the turn lies depends on the number of training points, on how long the
# networks train and, as the three seeds show, on the random initial weights.
#
# Regularization is the alternative to guessing the right size: keep the large network and limit
# what its weights may do. Sections 2 to 4 show three ways in which that limit can be read.
#
# ## 2. A penalty is a prior: Ridge and the Gaussian, Lasso and the Laplace
#
# Assume the data come from $y = Xw + \varepsilon$ with Gaussian noise
# $\varepsilon_i \sim \mathcal N(0, \sigma^2)$, and before seeing the data we believe each weight
# is $w_j \sim \mathcal N(0, \tau^2)$: small weights are more plausible than large ones. Bayes'
# rule gives the posterior, and its logarithm is, up to constants,
#
# $$\log p(w \mid X, y) = -\frac{1}{2\sigma^2}\lVert y - Xw\rVert^2 - \frac{1}{2\tau^2}\lVert w\rVert^2 .$$
#
# Multiplying by $-2\sigma^2$, the most probable $w$ (the *maximum a posteriori* or MAP estimate)
# minimizes $\lVert y - Xw\rVert^2 + \frac{\sigma^2}{\tau^2}\lVert w\rVert^2$: scikit-learn's Ridge
# objective with
#
# $$\alpha = \frac{\sigma^2}{\tau^2}, \qquad\text{that is}\qquad \tau^2 = \frac{\sigma^2}{\alpha}.$$
#
# A large alpha is a narrow prior: a strong belief that the weights are near zero. We check this
# without the algebra: we write the log posterior with `scipy.stats` densities, maximize it
# numerically, and compare with `Ridge`, on data whose noise is known ($\sigma = 1$).

# %%
X_reg, y_reg, true_coef = make_sparse_regression(
    n_samples=40, n_features=8, n_informative=3, noise=1.0, seed=42
)
sigma = 1.0


def gaussian_log_posterior(w, tau):
    """log p(y | X, w) + log p(w) with N(0, sigma^2) noise and a N(0, tau^2) prior on each w_j."""
    return (
        stats.norm.logpdf(y_reg, loc=X_reg @ w, scale=sigma).sum()
        + stats.norm.logpdf(w, loc=0.0, scale=tau).sum()
    )


def most_probable(log_posterior, **prior):
    """Numerically maximize a log posterior, starting from w = 0."""
    result = optimize.minimize(
        lambda w: -log_posterior(w, **prior),
        np.zeros(X_reg.shape[1]),
        method="BFGS",
        options={"gtol": 1e-10},
    )
    return result.x


print(" alpha   prior sd tau   largest |w_MAP - w_Ridge|   |w_Ridge|")
for alpha in (0.1, 1.0, 10.0, 100.0):
    tau = np.sqrt(sigma**2 / alpha)
    w_map = most_probable(gaussian_log_posterior, tau=tau)
    w_ridge = Ridge(alpha=alpha, fit_intercept=False).fit(X_reg, y_reg).coef_
    print(
        f"{alpha:6.1f}   {tau:12.3f}   {np.abs(w_map - w_ridge).max():25.1e}   "
        f"{np.linalg.norm(w_ridge):9.3f}"
    )

# %% [markdown]
# The optimizer, which knows nothing about Ridge, lands on Ridge's coefficients to within the
# optimizer's tolerance, for every alpha. Reading the table as a statistician: `alpha = 100`
# says "before seeing the data, I am confident every weight lies within about $\pm 0.2$
# ($2\tau$)", and the fitted weights shrink accordingly.
#
# **The Lasso** replaces the Gaussian prior by a Laplace prior, $p(w_j) \propto e^{-|w_j|/b}$,
# which is sharply peaked at zero and has heavier tails. The log posterior is then
# $-\frac{1}{2\sigma^2}\lVert y - Xw\rVert^2 - \frac{1}{b}\lVert w\rVert_1$; multiplying by
# $\sigma^2 / n$ gives scikit-learn's Lasso objective,
# $\frac{1}{2n}\lVert y - Xw\rVert^2 + \alpha\lVert w\rVert_1$, with
#
# $$\alpha = \frac{\sigma^2}{n\,b}, \qquad\text{that is}\qquad b = \frac{\sigma^2}{n\,\alpha}.$$
#
# The kink of $|w|$ at zero defeats a gradient-based optimizer, so the check is different: at
# the Lasso's solution, no change of the weights may increase the Laplace log posterior. We try
# 20,000 random small changes, and we scan each weight alone on a fine grid.

# %%
alpha_lasso = 0.1
n_reg = len(y_reg)
b_scale = sigma**2 / (n_reg * alpha_lasso)
w_lasso = (
    Lasso(alpha=alpha_lasso, fit_intercept=False, tol=1e-12, max_iter=100_000)
    .fit(X_reg, y_reg)
    .coef_
)


def laplace_log_posterior(W):
    """The log posterior of every row of W (one weight vector per row)."""
    W = np.atleast_2d(W)
    log_likelihood = stats.norm.logpdf(y_reg, loc=W @ X_reg.T, scale=sigma).sum(axis=1)
    return log_likelihood + stats.laplace.logpdf(W, loc=0.0, scale=b_scale).sum(axis=1)


best = laplace_log_posterior(w_lasso)[0]
perturbations = np.random.default_rng(0).normal(scale=0.01, size=(20_000, len(w_lasso)))
improved = int(np.sum(laplace_log_posterior(w_lasso + perturbations) > best))
grid = np.linspace(-0.05, 0.05, 1001)
grid_argmax = []
for j in range(len(w_lasso)):
    trial = np.tile(w_lasso, (len(grid), 1))
    trial[:, j] += grid
    grid_argmax.append(grid[np.argmax(laplace_log_posterior(trial))])
print(
    f"Lasso(alpha={alpha_lasso}) on n = {n_reg} points  <->  Laplace prior with scale b = {b_scale:.4f}"
)
print(f"coefficients: {np.round(w_lasso, 3)} ({np.sum(w_lasso == 0)} exactly zero)")
print(f"random changes that raise the log posterior: {improved} of {len(perturbations)}")
print(f"best shift of each weight alone on a grid of step 1e-4: {np.round(grid_argmax, 4)}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), layout="constrained")
w_axis = np.linspace(-0.6, 0.6, 601)
tau_same = np.sqrt(2) * b_scale * 4  # a Gaussian and a Laplace of equal variance, for display
axes[0].plot(w_axis, stats.norm.pdf(w_axis, scale=tau_same), label="Gaussian prior (L2, Ridge)")
axes[0].plot(
    w_axis,
    stats.laplace.pdf(w_axis, scale=tau_same / np.sqrt(2)),
    label="Laplace prior (L1, Lasso)",
)
axes[0].set_xlabel("weight")
axes[0].set_ylabel("prior density")
axes[0].set_title("Same variance, different shapes")
axes[0].legend(fontsize="small")
zero_feature = int(np.flatnonzero(w_lasso == 0)[0])
trial = np.tile(w_lasso, (len(grid), 1))
trial[:, zero_feature] += grid
slice_values = laplace_log_posterior(trial)
axes[1].plot(grid, slice_values - slice_values.max())
axes[1].axvline(0.0, color="0.5", linestyle=":")
axes[1].set_xlabel(f"weight {zero_feature} (others at the Lasso solution)")
axes[1].set_ylabel("log posterior (0 at the top)")
axes[1].set_title("The kink of the Laplace prior holds the weight at 0")
show_figure(
    "Left, a Gaussian and a Laplace prior density of the same variance, the Laplace one "
    "sharply peaked at zero; right, the Laplace log posterior along one weight that the "
    "Lasso sets to zero, with a corner at its maximum exactly at zero."
)

# %% [markdown]
# None of the random changes raises the posterior, and the best shift of every weight alone is
# 0: the Lasso's coefficients, exact zeros included, are the most probable weights under a
# Laplace prior. The right-hand plot shows why the zeros are exact: along a weight that the
# Lasso sets to zero, the log posterior has a corner at 0, contributed by the prior's peak, and
# the slope from the data is too weak on either side to move the maximum off the corner. A
# Gaussian prior is smooth at zero, so Ridge's weights become small but never exactly zero
# (notebooks 03 and 04).
#
# So choosing a penalty is choosing a belief: L2 says "weights are small, and large ones are
# rare in a Gaussian way"; L1 says "most weights are close to zero, a few can be large" (the
# Laplace's heavier tails). Not "most weights *are* zero": a Laplace prior, like a Gaussian,
# gives probability 0 to a weight of exactly 0. The exact zeros come from taking the posterior's
# *mode*, the MAP estimate, at the prior's corner; the posterior mean under the same prior (the
# Bayesian Lasso of Park and Casella, 2008) has no exact zeros. Too strong a penalty is a prior
# so confident that the data cannot override it (question 20).
#
# ## 3. Early stopping is an L2 penalty in disguise
#
# Gradient descent on the least-squares loss $L(w) = \frac{1}{2n}\lVert y - Xw\rVert^2$, started
# at $w = 0$ with learning rate $\eta$, moves along the directions of the data's covariance
# $\frac1n X^\top X$ (eigenvalues $\mu_i$). After $t$ steps, the component of $w$ along direction
# $i$ has reached the fraction $1 - (1 - \eta\mu_i)^t$ of the least-squares solution. Ridge
# with strength alpha keeps the fraction $\mu_i / (\mu_i + \alpha/n)$ instead. Both fit the
# strong directions (large $\mu_i$) first and most and hold back the weak ones, and while
# $\eta\mu_i t$ is small in every direction (both fractions are then far from 1:
# $1-(1-\eta\mu_i)^t \approx \eta\mu_i t$ and $\mu_i/(\mu_i+\alpha/n) \approx n\mu_i/\alpha$)
# the two agree when
#
# $$\alpha \approx \frac{n}{\eta\, t}:$$
#
# stopping after $t$ steps acts like Ridge with that alpha (Goodfellow et al., section 7.8).
# We test it on two strongly correlated features, where the two directions differ a lot.

# %%
X_es, y_es, _ = make_sparse_regression(
    n_samples=100, n_features=2, n_informative=2, noise=1.0, correlation=0.9, seed=3
)
n_es = len(y_es)
eta = 0.1
steps = [1, 2, 5, 10, 20, 50, 100, 200, 500]
w = np.zeros(2)
iterates = {0: w.copy()}
for t in range(1, max(steps) + 1):
    w = w - eta * X_es.T @ (X_es @ w - y_es) / n_es
    iterates[t] = w.copy()
w_least_squares = np.linalg.lstsq(X_es, y_es, rcond=None)[0]
mu = np.linalg.eigvalsh(X_es.T @ X_es / n_es)


def ridge_solution(alpha):
    return np.linalg.solve(X_es.T @ X_es + alpha * np.eye(2), X_es.T @ y_es)


def closest_alpha(w_t):
    """The alpha whose Ridge solution is nearest to w_t (a 1-D search in log alpha)."""
    result = optimize.minimize_scalar(
        lambda log_alpha: np.linalg.norm(ridge_solution(np.exp(log_alpha)) - w_t),
        bounds=(np.log(1e-3), np.log(1e6)),
        method="bounded",
        options={"xatol": 1e-9},
    )
    return float(np.exp(result.x))


print(f"eigenvalues of X'X/n: {np.round(mu, 3)}; eta = {eta}; n = {n_es}")
rows = []
for t in steps:
    alpha_t = closest_alpha(iterates[t])
    distance = np.linalg.norm(ridge_solution(alpha_t) - iterates[t])
    rows.append(
        {
            "steps": t,
            "closest_alpha": alpha_t,
            "n_over_eta_t": n_es / (eta * t),
            "ratio": alpha_t / (n_es / (eta * t)),
            "distance_to_path": distance / np.linalg.norm(w_least_squares),
        }
    )
effective = pd.DataFrame(rows).set_index("steps")
print(effective.round(3))

# %%
fig, axes = plt.subplots(1, 2, figsize=(10.5, 4), layout="constrained")
path_alphas = np.geomspace(1e-2, 1e5, 300)
path = np.array([ridge_solution(a) for a in path_alphas])
axes[0].plot(path[:, 0], path[:, 1], color="C1", label="Ridge path (alpha from 1e5 to 0.01)")
trajectory = np.array([iterates[t] for t in range(0, max(steps) + 1)])
axes[0].plot(trajectory[:, 0], trajectory[:, 1], ".", color="C0", ms=3, label="gradient descent")
for t in (5, 20, 100):
    axes[0].annotate(f"t = {t}", iterates[t], textcoords="offset points", xytext=(6, -10))
axes[0].plot(*w_least_squares, "k*", ms=10, label="least squares")
axes[0].set_xlabel("$w_1$")
axes[0].set_ylabel("$w_2$")
axes[0].set_title("Iterates follow the Ridge path")
axes[0].legend(fontsize="small", loc="lower right")
axes[1].loglog(effective.index, effective["closest_alpha"], "o", label="closest Ridge alpha")
axes[1].loglog(effective.index, effective["n_over_eta_t"], "-", label="n / (eta t)")
axes[1].set_xlabel("gradient steps t")
axes[1].set_ylabel("effective alpha")
axes[1].set_title("Each step count has its alpha")
axes[1].legend()
show_figure(
    "Left, the gradient-descent iterates in the (w1, w2) plane following the Ridge path "
    "from the origin towards the least-squares point; right, on log scales, the Ridge "
    "alpha closest to each number of gradient steps, falling as training goes on, next to"
    " the line n / (eta t)."
)

# %% [markdown]
# The gradient-descent iterates stay close to the Ridge path all the way: the table's last
# column, the distance to the nearest Ridge solution relative to the length of the
# least-squares solution, stays below 0.02. Each number of steps therefore has its alpha,
# and it falls as training goes on: about 800 after one step, about 1 after 50, 0.010 after
# 500, when both are close to least squares.
#
# The rule $\alpha \approx n/(\eta t)$ holds only at the start: the *ratio* column is 0.797
# and 0.707 for the first two steps, then it drops. The derivation assumed
# $\eta\mu_i t \ll 1$ in every direction, that is, no direction has converged yet. Here the
# strong direction has $\eta\mu = 0.2$ and converges within about twenty steps, after which
# gradient descent's fraction $1 - (1-\eta\mu)^t$, which approaches 1 exponentially, can only be
# matched by a smaller alpha than the formula says: Ridge's $\mu/(\mu + \alpha/n)$ approaches 1
# only like $1/\alpha$, and one alpha must serve both directions. The conclusion stands as a
# rule of thumb: **the number of steps is a regularization strength**. Training longer is like
# lowering alpha, a larger learning rate acts in the same direction, and choosing the stopping
# epoch on validation data (notebook 09) is choosing alpha.
#
# ## 4. Dropout trains an ensemble
#
# At every step, each training example goes through a different *sub-network*: the units its
# own mask keeps (the masks have one row per example). With $h$ droppable units there are $2^h$
# sub-networks, all sharing weights. At prediction time we would like their average
# prediction; Keras, and our `predict_proba`, instead run the full network once, which with
# inverted dropout is the **weight scaling rule** (each unit's output counted at its expected
# value).
#
# **Exact for one layer.** For a single sigmoid unit with dropout on its $d$ inputs, the
# weight-scaled prediction equals the *normalized geometric mean* of the predictions of all
# $2^d$ sub-networks (Goodfellow et al., section 7.12†, show it for softmax regression, of
# which one sigmoid unit is the two-class case). With a keep probability of 1/2 all masks are
# equally likely, so the plain geometric mean over the masks is the right one (for other
# rates it must be weighted by each mask's probability). With $d = 12$ we can list all 4,096
# masks and check it:
#
# † a section number of the book, not a measured figure.

# %%
d, keep = 12, 0.5
unit_rng = np.random.default_rng(1)
w_unit, b_unit = unit_rng.normal(size=d), 0.3
x_points = unit_rng.normal(size=(5, d))
masks = np.array(list(itertools.product([0.0, 1.0], repeat=d))) / keep  # all 2^d inverted masks


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


logits = (x_points[:, None, :] * masks[None, :, :]) @ w_unit + b_unit  # (points, masks)
p_sub = sigmoid(logits)
geometric_1 = np.exp(np.log(p_sub).mean(axis=1))
geometric_0 = np.exp(np.log(1 - p_sub).mean(axis=1))
normalized_geometric = geometric_1 / (geometric_1 + geometric_0)
arithmetic = p_sub.mean(axis=1)
weight_scaled = sigmoid(x_points @ w_unit + b_unit)
print(f"{len(masks)} sub-networks")
print("weight scaling       ", np.round(weight_scaled, 6))
print("normalized geo. mean ", np.round(normalized_geometric, 6))
print("arithmetic mean      ", np.round(arithmetic, 6))
print(
    f"largest difference: geometric {np.abs(weight_scaled - normalized_geometric).max():.0e}, "
    f"arithmetic {np.abs(weight_scaled - arithmetic).max():.3f}"
)

# %% [markdown]
# To rounding error, the single pass is the normalized geometric mean of 4,096 sub-networks;
# the arithmetic mean (what averaging probabilities gives) is a different average, here up to
# 0.135 away, and pulled towards 0.5. With hidden layers and ReLU the identity is no longer
# exact, so we compare on the half-moons, **same data, same architecture** (two hidden layers
# of 64 units, 1,000 Adam steps):
#
# * a single network without dropout (the over-fitting baseline);
# * one network trained with dropout 0.5, predicting by **weight scaling** (one pass, dropout
#   off) or by the **Monte Carlo average** of the probabilities under 1 to 1,000 random masks;
# * **bagging**: 8 networks without dropout, each trained on a bootstrap sample of the 100
#   points (drawn with replacement), their probabilities averaged: an ensemble trained
#   explicitly, each member with its own weights.

# %%
sizes = [2, 64, 64, 1]
settings = {"steps": 1000, "learning_rate": 0.01}
single = train_mlp(sizes, X, y, seed=0, **settings)
dropout_net = train_mlp(sizes, X, y, dropout_rate=0.5, seed=0, **settings)
boot_rng = np.random.default_rng(7)
bagged_members = [
    train_mlp(sizes, X, y, rows=boot_rng.integers(0, len(X), len(X)), seed=k + 1, **settings)
    for k in range(8)
]


def scores(proba_val):
    return {"val_loss": log_loss(y_val, proba_val), "val_acc": accuracy(y_val, proba_val)}


ensemble = {"single network, no dropout": scores(predict_proba(single.params, X_val))}
scaled = predict_proba(dropout_net.params, X_val)
ensemble["dropout 0.5, weight scaling"] = scores(scaled)
mc_average = {
    n_masks: predict_proba(dropout_net.params, X_val, dropout_rate=0.5, n_masks=n_masks, seed=3)
    for n_masks in (1, 10, 100, 1000)
}
for n_masks, proba_val in mc_average.items():
    ensemble[f"dropout 0.5, MC average of {n_masks}"] = scores(proba_val)
member_probas = np.array([predict_proba(member.params, X_val) for member in bagged_members])
ensemble["one bagged member (mean of 8)"] = {
    "val_loss": np.mean([log_loss(y_val, p) for p in member_probas]),
    "val_acc": np.mean([accuracy(y_val, p) for p in member_probas]),
}
ensemble["bagging, average of 8"] = scores(member_probas.mean(axis=0))
ensemble = pd.DataFrame(ensemble).T
print(ensemble.round(3))
mc_1000 = mc_average[1000]
print(
    "weight scaling against the 1,000-mask average: largest difference in probability "
    f"{np.abs(scaled - mc_1000).max():.3f}, mean {np.abs(scaled - mc_1000).mean():.3f}"
)

# %% [markdown]
# What the table shows:
#
# * Every way of using the dropout network beats the single unregularized network (validation
#   loss 1.792).
# * **The Monte Carlo average** improves steadily with the number of masks, by less and less:
#   0.370 with 10, 0.319 with 100, 0.295 with 1,000.
# * **Weight scaling** classifies as well as the average of 1,000 masks (accuracy 0.892 against
#   0.890) but its cross-entropy is about twice as high, 0.617 against 0.295: the single pass
#   is over-confident on a few points (its probabilities differ from the average by 0.021 on
#   average but by up to 0.357). Here even one random mask gives a lower loss than weight
#   scaling. On this small, noisy problem the approximation Keras relies on is good for the
#   decision and rough for the probabilities (Srivastava et al., 2014, found the same for the
#   decision on MNIST: weight scaling's test error was about that of averaging 50 sampled
#   masks). When the probabilities matter, averaging masks can give better ones, at the cost
#   of many passes; how well they are calibrated is another question (notebook 07 finds Monte
#   Carlo dropout's spread only a rough sign of uncertainty).
# * **Bagging** works by the same mechanism, explicitly: each member alone over-fits its
#   bootstrap sample (validation loss 1.885 on average), yet their average reaches 0.604.
#   Averaging models that make different mistakes cancels part of the mistakes.
# * Dropout gets its ensemble almost for free: one network, one training run, weights shared by
#   all sub-networks; bagging needs 8 trainings and 8 times the memory, and here its average is
#   about as good as the weight-scaled dropout network (validation loss 0.604 against 0.617,
#   accuracy 0.884 against 0.892) and well behind the average of 1,000 masks.
#
# ## Key takeaways
#
# - Capacity is what regularization controls: with more weights the training loss falls
#   towards zero while the validation loss turns upward after a broad best range of widths,
#   whose exact place changes with the random initialization (questions 1 and 5).
# - Ridge is the most probable weight vector under Gaussian noise and a Gaussian prior with
#   $\tau^2 = \sigma^2/\alpha$; the Lasso under a Laplace prior with $b = \sigma^2/(n\alpha)$.
#   A penalty is a belief about the weights; the Laplace prior's corner at zero makes the MAP
#   estimate's exact zeros (question 2); too strong a penalty is a belief the data cannot
#   override (question 20).
# - Early stopping acts like an L2 penalty: gradient descent's iterates follow the Ridge path,
#   and each number of steps has its effective alpha; the number of steps is a strength. That
#   alpha follows $n/(\eta t)$ only in the first steps; once a direction has converged it
#   falls faster, but the iterates stay on the Ridge path.
# - Dropout trains $2^h$ weight-sharing sub-networks; weight scaling is the exact geometric mean
#   for one layer, and for a deeper network it matches the Monte Carlo average's accuracy but
#   not its cross-entropy (question 13); bagging builds the ensemble explicitly, at several
#   times the cost.

# %%
from course_utils.quiz import Question, show_quiz

show_quiz(
    [
        Question(
            "The noise has sigma = 2 and you use Ridge(alpha=4). Which Gaussian prior on each "
            "weight does that correspond to?",
            [
                "standard deviation 1",
                "standard deviation 2",
                "standard deviation 0.5",
                "variance 4",
            ],
            answer=0,
            explanation="alpha = sigma^2 / tau^2, so tau^2 = 4 / 4 = 1.",
        ),
        Question(
            "Why does the Lasso produce exact zeros and Ridge does not, in the language of priors?",
            [
                "The Laplace prior has a sharp peak (a corner) at zero; the Gaussian is smooth there",
                "The Laplace prior has lighter tails",
                "The Laplace prior gives a positive probability to a weight of exactly zero",
            ],
            answer=0,
            explanation="At the corner the data's slope must exceed the prior's jump to move the "
            "weight off zero; a smooth peak gives way to any slope. The Laplace prior is a "
            "continuous density: like the Gaussian it gives probability 0 to exactly zero, and "
            "the zeros come from taking the posterior's mode (the MAP estimate).",
        ),
        Question(
            "Gradient descent with learning rate 0.05 on n = 1,000 points is stopped after 200 "
            "steps. Which Ridge alpha does the rule n / (eta t) give?",
            ["0.01", "100", "10,000", "200"],
            answer=1,
            explanation="alpha is about n / (eta t) = 1000 / (0.05 * 200) = 100.",
        ),
        Question.true_false(
            "Predicting once with dropout turned off (weight scaling) is exactly the average of "
            "the predictions of all sub-networks, for any network.",
            answer=False,
            explanation="It is exactly their normalized geometric mean for a single sigmoid layer; "
            "for deeper ReLU networks it is an approximation: on the half-moons it matched the "
            "accuracy of the Monte Carlo average but not its cross-entropy.",
        ),
    ]
)
