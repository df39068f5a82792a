"""Predictive routers: predict each model's score from the prompt (KNN, MLP, SVM), or the dataset label
(task label), then pick by value; the two-model classifier (chapter "Predictive routers").
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multioutput import MultiOutputRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.svm import LinearSVR

from .._deprecated import renamed_argument
from .. import _checks
from ..catalog import DATASET_TITLES
from ..data import dataset_column, models, score_matrix
from ..embed import fit_transform, fresh_embedding, prompt_texts
from ..errors import RouterBenchDataError
from .neighbours import CosineKNNRegressor, check_search
from .base import Router, WTP_GRID, check_wtp, choose_by_value, dataset_costs, row_costs


def _embed_training(embedder, texts: list[str]) -> np.ndarray:
    """The training prompts' features; an embedding that cannot be fitted on them (too few prompts, no
    word shared by two of them) says so instead of scikit-learn's message about ``max_df``."""
    try:
        return fit_transform(embedder, texts)
    except ValueError as exc:
        raise RouterBenchDataError(
            f"train: the prompt embedding cannot be fitted on these {len(texts)} training prompts ({exc}); "
            "expected prompts that share words (at least two prompts, some words in two or more): give it "
            "more training rows") from exc


class _PredictiveRouter(Router):
    """Predict every model's score from the prompt embedding; pick
    :math:`\\arg\\max_m \\lambda \\hat q_{im} - \\hat c_{m}` for a willingness to pay :math:`\\lambda`.

    :math:`\\hat c_m` is model :math:`m`'s mean cost per query on the training prompts of the row's
    dataset. Predictions are clipped to [0, 1].
    """

    family = "Predictive"
    knob = "willingness_to_pay"

    def __init__(self, embedding=None, random_state: int = 0, **renamed):
        self.embedding = embedding
        self.random_state = renamed_argument(renamed, "seed", "random_state", random_state,
                                             type(self).__name__)

    #: The fewest training prompts the router can be fitted on, and why (for the message).
    _min_prompts = 2
    _min_prompts_why = "the TF-IDF embedding keeps words seen in two prompts or more"

    def _estimator(self):
        raise NotImplementedError

    def fit(self, train: pd.DataFrame) -> "_PredictiveRouter":
        """Fit the embedding on the training prompts, the learner on every model's scores, and the
        models' mean training costs per dataset.

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows with prompt text.

        Returns
        -------
        Router
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``train`` fails validation, has no ``prompt`` column, or a prompt is missing.
        """
        super().fit(train)
        _checks.enough_prompts(len(train), self._min_prompts, type(self).__name__, self._min_prompts_why)
        self.embedder_ = fresh_embedding(self.embedding, self.random_state)
        texts = prompt_texts(train, "train")
        features = _embed_training(self.embedder_, texts)  # each training prompt tokenised once
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            self.estimator_ = self._estimator().fit(features, score_matrix(train, self.models_))
        self.converged_ = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
        self.costs_ = dataset_costs(train, self.models_)
        return self

    def predict_quality(self, test: pd.DataFrame) -> np.ndarray:
        """Predicted score of every model on every test prompt, shape (rows, models), clipped to [0, 1].

        Parameters
        ----------
        test : DataFrame
            Rows with a ``prompt`` column (their scores are not read).

        Returns
        -------
        ndarray of shape (len(test), len(models_))
            :math:`\\hat q_{im}`, in the order of ``models_``.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, or ``test`` has no ``prompt`` column or a missing prompt.
        """
        self._check_fitted()
        features = self.embedder_.transform(prompt_texts(test, "test"))
        return np.clip(np.asarray(self.estimator_.predict(features)).reshape(len(test), -1), 0.0, 1.0)

    def default_settings(self) -> list:
        """The official willingness-to-pay grid, :data:`routerbench_utils.routers.WTP_GRID`.

        Returns
        -------
        list of float
        """
        return list(WTP_GRID)

    def route(self, test: pd.DataFrame, willingness_to_pay: float | None = None) -> np.ndarray:
        """Per row, the model maximising :math:`\\lambda\\, \\hat q_{im} - \\hat c_{d(i), m}`.

        Parameters
        ----------
        test : DataFrame
            Rows with ``prompt`` and ``eval_name`` columns (their scores are not read).
        willingness_to_pay : float, optional
            :math:`\\lambda \\ge 0`, USD per unit of quality: 0 picks the cheapest model, a large value
            the best predicted one; default 1.0.

        Returns
        -------
        ndarray of object
            A model name per row.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, ``willingness_to_pay`` is negative or NaN, or ``test`` has no
            ``prompt`` column or a missing prompt.
        """
        wtp = check_wtp(self._knob(willingness_to_pay, 1.0))
        predicted = self.predict_quality(test)  # first: it checks that the router is fitted
        return choose_by_value(wtp, self.models_, cost=row_costs(self.costs_, test), quality=predicted)

    def _choices(self, test: pd.DataFrame, params: list) -> list[np.ndarray]:
        predicted, costs = self.predict_quality(test), row_costs(self.costs_, test)  # once for all params
        return [choose_by_value(check_wtp(p), self.models_, cost=costs, quality=predicted)
                for p in params]


class KNNRouter(_PredictiveRouter):
    """Predictive router: a model's predicted score is its mean score on the ``k`` training prompts
    nearest in cosine distance.

    .. math:: \\hat q_{im} = \\frac{1}{k} \\sum_{j \\in N_k(i)} s_{jm}, \\qquad
        m^*(i) = \\arg\\max_m \\; \\lambda\\, \\hat q_{im} - \\hat c_{d(i), m},

    where :math:`N_k(i)` are the :math:`k` training prompts whose embeddings are nearest to prompt
    :math:`i`'s in cosine distance :math:`1 - \\cos(x_i, x_j)`, :math:`\\lambda` is the willingness to
    pay (the knob) and :math:`\\hat c_{d,m}` model :math:`m`'s mean training cost per query on the
    prompt's dataset :math:`d(i)`. ``k`` must not exceed the number of training prompts: ``fit``
    refuses a smaller training split (as scikit-learn's ``KNeighborsRegressor`` does) rather than
    average every prompt under the name of ``k``; a caller that fits on small parts (one dataset, one
    subject) chooses ``k=min(k, len(part))`` itself, where the reader sees it.

    The neighbour search is exact by default: every test prompt against every training prompt,
    :math:`O(n_{train}\\, n_{test})`, shared by every ``k`` and willingness to pay. For large
    splits (10^5 prompts and more), ``search="ivf"`` finds :math:`N_k(i)` approximately in an
    inverted-file index of faiss (the ``scale`` extra): about 99% of the exact neighbours on the
    book's data, in a fraction of the time (``benchmarks/bench_knn.py``).

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    k : int, default 40
        Neighbours per prompt.
    embedding : object, optional
        Prompt features with ``fit(texts)`` and ``transform(texts)``; default
        :class:`~routerbench_utils.embed.TfidfSvdEmbedder` with ``random_state`` (fitted on the training prompts).
    random_state : int, default 0
        Seed of the default embedding, and of the index's k-means with ``search="ivf"``.
    search : {"exact", "ivf"}, default "exact"
        The neighbour search: exact, or approximate from faiss's inverted-file index (needs
        ``pip install 'routerbench_utils[scale]'``); see
        :func:`~routerbench_utils.routers.neighbours.cosine_neighbours`.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    embedder_ : object
        The fitted embedding.
    estimator_ : object
        The fitted nearest-neighbour regressor (one output per model).
    converged_ : bool
        Always True (nothing iterates).
    costs_ : DataFrame
        Mean training cost per query of each model (columns), per dataset and overall (row ``'*'``, used
        for a test dataset absent from training).

    Examples
    --------
    >>> knn = KNNRouter(k=40).fit(train)
    >>> len(knn.curve(test)) == len(rbu.routers.WTP_GRID)  # one point per willingness to pay
    True
    >>> KNNRouter(k=40, search="ivf").fit(big_train).curve(big_test)  # not run: needs a split of 10^5 prompts  # doctest: +SKIP
    """

    family = "KNN"

    def __init__(self, k: int = 40, embedding=None, random_state: int = 0, search: str = "exact", **renamed):
        super().__init__(embedding=embedding, random_state=random_state, **renamed)
        self.k = k
        self.search = search

    def fit(self, train: pd.DataFrame) -> "KNNRouter":
        """Check ``search`` (before any embedding is fitted), then fit as every predictive router does.

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows with prompt text.

        Returns
        -------
        KNNRouter
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``search`` is not ``"exact"`` or ``"ivf"``, or is ``"ivf"`` without faiss installed;
            if ``k`` is not a whole number >= 1 or exceeds the number of training prompts (the message
            gives each dataset's count); if ``train`` fails validation, has no ``prompt`` column, or a
            prompt is missing.

        Examples
        --------
        >>> KNNRouter(k=40).fit(train.head(5))
        Traceback (most recent call last):
        ...
        routerbench_utils.errors.RouterBenchDataError: k: expected at most the number of training prompts, ...
        """
        check_search(self.search)
        k = _checks.count(self.k, "k", minimum=1)
        if isinstance(train, pd.DataFrame) and self._min_prompts <= len(train) < k:  # fewer: said below
            counts = (dataset_column(train).value_counts(sort=False) if "eval_name" in train
                      else pd.Series(dtype=int))
            per = ", ".join(f"{DATASET_TITLES.get(name, name)}: {n:,}" for name, n in counts.items())
            raise RouterBenchDataError(
                f"k: expected at most the number of training prompts, got k={k} for {len(train):,} "
                f"training prompts ({per or 'no dataset column'}); KNN averages the k nearest training "
                f"prompts and there are not k of them: pass k=min({k}, len(train)), or fit on more rows")
        return super().fit(train)

    def _estimator(self):
        # one neighbour search per (training, test) embedding, shared by every k and every router
        return CosineKNNRegressor(self.k, search=self.search, random_state=self.random_state)


class MLPRouter(_PredictiveRouter):
    """Predictive router: a multi-layer perceptron regresses every model's score on the embedding.

    scikit-learn's ``MLPRegressor`` (ReLU, Adam, squared error) with early stopping on 10% of the
    training rows (stop after 10 epochs without improvement) predicts the vector of the models' scores,
    :math:`\\hat q_{i\\cdot} = \\mathrm{MLP}(x_i)`, from the prompt's embedding :math:`x_i`.

    Routing follows the willingness to pay :math:`\\lambda` (the knob):

    .. math:: m^*(i) = \\arg\\max_m \\; \\lambda\\, \\hat q_{im} - \\hat c_{d(i), m},

    with :math:`\\hat q_{im}` the predicted score clipped to [0, 1] and :math:`\\hat c_{d,m}` model
    :math:`m`'s mean training cost per query on the prompt's dataset :math:`d(i)`.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    hidden : tuple of int, default (100,)
        Units per hidden layer, e.g. ``(100, 100)``.
    max_iter : int, default 300
        Maximum epochs.
    embedding : object, optional
        Prompt features with ``fit(texts)`` and ``transform(texts)``; default
        :class:`~routerbench_utils.embed.TfidfSvdEmbedder` with ``random_state`` (fitted on the training prompts).
    random_state : int, default 0
        Seed of the default embedding and of the learner.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    embedder_ : object
        The fitted embedding.
    estimator_ : object
        The fitted scikit-learn regressor (one output per model).
    converged_ : bool
        False if the learner warned that it did not converge.
    costs_ : DataFrame
        Mean training cost per query of each model (columns), per dataset and overall (row ``'*'``, used
        for a test dataset absent from training).
    """

    family = "MLP"

    def __init__(self, hidden: tuple[int, ...] = (100,), max_iter: int = 300, embedding=None, random_state: int = 0, **renamed):
        super().__init__(embedding=embedding, random_state=random_state, **renamed)
        self.hidden = hidden
        self.max_iter = max_iter

    _min_prompts = 11
    _min_prompts_why = "early stopping holds out a tenth of them, and the held-out part needs two"

    def _estimator(self):
        return MLPRegressor(hidden_layer_sizes=tuple(self.hidden), max_iter=self.max_iter, random_state=self.random_state,
                            early_stopping=True, n_iter_no_change=10)


class SVMRouter(_PredictiveRouter):
    """Predictive router: one linear support-vector regression per model.

    For each model :math:`m`, scikit-learn's ``LinearSVR`` (epsilon-insensitive loss with
    :math:`\\epsilon = 0`, at most 5,000 iterations) fits :math:`\\hat q_{im} = w_m^\\top x_i + b_m` on
    the prompt's embedding :math:`x_i`.

    Routing follows the willingness to pay :math:`\\lambda` (the knob):

    .. math:: m^*(i) = \\arg\\max_m \\; \\lambda\\, \\hat q_{im} - \\hat c_{d(i), m},

    with :math:`\\hat q_{im}` the predicted score clipped to [0, 1] and :math:`\\hat c_{d,m}` model
    :math:`m`'s mean training cost per query on the prompt's dataset :math:`d(i)`.

    See the chapter :ref:`chap-predictive` ("Predictive routers").

    Parameters
    ----------
    C : float, default 1.0
        Inverse regularisation strength of each regression.
    embedding : object, optional
        Prompt features with ``fit(texts)`` and ``transform(texts)``; default
        :class:`~routerbench_utils.embed.TfidfSvdEmbedder` with ``random_state`` (fitted on the training prompts).
    random_state : int, default 0
        Seed of the default embedding and of the learner.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    embedder_ : object
        The fitted embedding.
    estimator_ : object
        The fitted scikit-learn regressor (one output per model).
    converged_ : bool
        False if the learner warned that it did not converge.
    costs_ : DataFrame
        Mean training cost per query of each model (columns), per dataset and overall (row ``'*'``, used
        for a test dataset absent from training).
    """

    family = "SVM"

    def __init__(self, C: float = 1.0, embedding=None, random_state: int = 0, **renamed):
        super().__init__(embedding=embedding, random_state=random_state, **renamed)
        self.C = C

    def _estimator(self):
        return MultiOutputRegressor(LinearSVR(C=self.C, epsilon=0.0, random_state=self.random_state, max_iter=5000))


class ClassifierRouter(Router):
    """Not in the paper: a two-model router in the spirit of RouteLLM (Ong et al., 2024).

    A logistic regression on the prompt embedding estimates the probability that the ``strong`` model
    scores higher than the ``weak`` one; prompts whose probability reaches the threshold go to the strong
    model. Sweeping the threshold from 1 to 0 moves from all-weak to all-strong:

    .. math:: \\hat p(x_i) = \\sigma(w^\\top x_i + b) \\approx P(s_{i,\\text{strong}} > s_{i,\\text{weak}}),
        \\qquad m(i) = \\text{strong} \\iff \\hat p(x_i) \\ge \\tau.

    Where the strong model never (or always) wins on the training rows, :math:`\\hat p` is that constant.

    See the chapter :ref:`chap-compare` ("All routers compared").

    Parameters
    ----------
    strong, weak : str
        The two models (default GPT-4 and Mixtral 8x7B).
    embedding : object, optional
        Prompt features with ``fit(texts)`` and ``transform(texts)``; default
        :class:`~routerbench_utils.embed.TfidfSvdEmbedder` with ``random_state`` (fitted on the training prompts).
    random_state : int, default 0
        Seed of the default embedding.
    C : float, default 1.0
        Inverse regularisation strength of the logistic regression.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    embedder_ : object
        The fitted embedding.
    estimator_ : LogisticRegression or None
        The fitted classifier; None when the training rows hold one class only.
    constant_ : float
        The predicted probability when ``estimator_`` is None (set only then).
    thresholds_ : list of float
        The default thresholds: the 0, 5, ..., 100 % quantiles of :math:`\\hat p` on the training rows,
        plus one just above 1 (all-weak).
    """

    family = "Classifier"
    knob = "threshold"

    def __init__(self, strong: str = "gpt-4-1106-preview", weak: str = "mistralai/mixtral-8x7b-chat",
                 embedding=None, random_state: int = 0, C: float = 1.0, **renamed):
        self.strong, self.weak = strong, weak
        self.embedding = embedding
        self.random_state = renamed_argument(renamed, "seed", "random_state", random_state,
                                             type(self).__name__)
        self.C = C

    def fit(self, train: pd.DataFrame) -> "ClassifierRouter":
        """Fit the embedding on the training prompts and the classifier on "strong scores higher".

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows with prompt text and both models' columns.

        Returns
        -------
        ClassifierRouter
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``strong`` or ``weak`` is not a model of ``train``, a prompt is missing, or ``train``
            fails validation.
        """
        super().fit(train)
        for name in (self.strong, self.weak):
            if name not in self.models_:
                raise RouterBenchDataError(f"model {name!r} is not in the training data ({self.models_})")
        _checks.enough_prompts(len(train), 2, "ClassifierRouter", "the TF-IDF embedding keeps words seen in "
                               "two prompts or more")
        self.embedder_ = fresh_embedding(self.embedding, self.random_state)
        texts = prompt_texts(train, "train")
        features = _embed_training(self.embedder_, texts)
        label = (train[self.strong].to_numpy(dtype=float) > train[self.weak].to_numpy(dtype=float)).astype(int)
        if label.min() == label.max():  # one class only: predict its share
            self.estimator_ = None
            self.constant_ = float(label[0])
        else:
            self.estimator_ = LogisticRegression(C=self.C, max_iter=1000).fit(features, label)
        train_p = self.predict_strong(train)
        self.thresholds_ = sorted(set(np.round(np.quantile(train_p, np.linspace(0, 1, 21)), 12)) | {1.0 + 1e-9})
        return self

    def predict_strong(self, test: pd.DataFrame) -> np.ndarray:
        """Estimated probability that the strong model beats the weak one, per row.

        Parameters
        ----------
        test : DataFrame
            Rows with a ``prompt`` column.

        Returns
        -------
        ndarray of shape (len(test),)
            :math:`\\hat p(x_i)` in [0, 1].

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, or ``test`` has no ``prompt`` column or a missing prompt.
        """
        self._check_fitted()
        if self.estimator_ is None:
            return np.full(len(test), self.constant_)
        return self.estimator_.predict_proba(self.embedder_.transform(prompt_texts(test, "test")))[:, 1]

    def default_settings(self) -> list:
        """The thresholds learned in ``fit`` (``thresholds_``), from all-strong to all-weak.

        Returns
        -------
        list of float
        """
        return list(self.thresholds_)

    def route(self, test: pd.DataFrame, threshold: float | None = None) -> np.ndarray:
        """The strong model where :math:`\\hat p(x_i) \\ge` ``threshold``, else the weak one.

        Parameters
        ----------
        test : DataFrame
            Rows with a ``prompt`` column.
        threshold : float, optional
            :math:`\\tau`; above 1 sends every prompt to the weak model, 0 every prompt to the strong one;
            default 0.5.

        Returns
        -------
        ndarray of object
            ``strong`` or ``weak`` per row.

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, or ``test`` has no ``prompt`` column or a missing prompt.
        """
        tau = float(self._knob(threshold, 0.5))
        return np.where(self.predict_strong(test) >= tau, self.strong, self.weak).astype(object)


class TaskLabelRouter(_PredictiveRouter):
    """Not in the paper: predict a model's score on a prompt by its mean training score on the prompt's
    task (``level="dataset"``) or ``eval_name`` (e.g. the MMLU subject), then route by willingness to pay
    like the predictive routers. It reads no prompt text: how much of a learned router's gain is only
    the task label?

    .. math:: \\hat q_{im} = \\frac{1}{|T_{\\ell(i)}|} \\sum_{j \\in T_{\\ell(i)}} s_{jm}, \\qquad
        m^*(i) = \\arg\\max_m \\; \\lambda\\, \\hat q_{im} - \\hat c_{d(i), m},

    where :math:`T_\\ell` are the training rows with the prompt's label :math:`\\ell(i)` (a label
    unseen in training takes the mean over all training rows) and :math:`\\hat c_{d,m}` is model
    :math:`m`'s mean training cost per query on the prompt's dataset.

    See the chapter :ref:`chap-predictive` ("Predictive routers", the task label).

    Parameters
    ----------
    level : {"eval_name", "dataset"}
        The label: the row's ``eval_name`` (default; MMLU subjects apart) or its dataset.

    Attributes
    ----------
    models_ : list of str
        The models of the training rows.
    means_ : DataFrame
        Mean training score per label (rows, plus ``'*'`` for all rows) and model (columns).
    costs_ : DataFrame
        Mean training cost per query of each model, per dataset and overall (row ``'*'``).
    """

    family = "Task label"

    def __init__(self, level: str = "eval_name"):
        super().__init__()
        self.level = level

    def _labels(self, df: pd.DataFrame) -> np.ndarray:
        return (dataset_column(df) if self.level == "dataset" else df["eval_name"].astype(str)).to_numpy()

    def fit(self, train: pd.DataFrame) -> "TaskLabelRouter":
        """Learn each model's mean training score per label (``means_``) and mean cost (``costs_``).

        Parameters
        ----------
        train : DataFrame
            RouterBench-format training rows (no prompt text needed).

        Returns
        -------
        TaskLabelRouter
            The router itself, fitted.

        Raises
        ------
        RouterBenchDataError
            If ``level`` is neither ``"dataset"`` nor ``"eval_name"``, or ``train`` fails validation.
        """
        if self.level not in ("dataset", "eval_name"):
            raise RouterBenchDataError(f"level: expected 'dataset' or 'eval_name', got {self.level!r}")
        Router.fit(self, train)
        scores = pd.DataFrame(score_matrix(train, self.models_), columns=self.models_)
        self.means_ = scores.groupby(self._labels(train)).mean()
        self.means_.loc["*"] = scores.mean()
        self.costs_ = dataset_costs(train, self.models_)
        return self

    def predict_quality(self, test: pd.DataFrame) -> np.ndarray:
        """Each model's mean training score on the row's label (the overall mean for an unseen label).

        Parameters
        ----------
        test : DataFrame
            Rows with an ``eval_name`` column.

        Returns
        -------
        ndarray of shape (len(test), len(models_))

        Raises
        ------
        RouterBenchDataError
            If the router is not fitted, or ``test`` has no ``eval_name`` column (``level="dataset"``).
        KeyError
            If ``test`` has no ``eval_name`` column (``level="eval_name"``).
        """
        self._check_fitted()
        keys = self._labels(test)
        keys = np.where(np.isin(keys, self.means_.index), keys, "*")  # an unseen task: the overall mean
        return self.means_.loc[keys].to_numpy()



def out_of_fold_quality(router: Router, train: pd.DataFrame, n_splits: int = 5, random_state: int = 0) -> np.ndarray:
    """Every training row's predicted scores from a copy of ``router`` fitted without that row's fold.

    The training rows are cut into ``n_splits`` folds (shuffled, seeded); for fold :math:`F`, a clone
    of the router is fitted on the other folds and predicts :math:`\\hat q_{im}` for :math:`i \\in F`.
    These predictions were made on rows the router did not see, as a test prompt's are: the fitting
    pairs of :func:`routerbench_utils.metrics.recalibrate`.

    See the chapter :ref:`chap-predictive` ("Predictive routers", calibration).

    Parameters
    ----------
    router : Router
        A predictive router (with ``predict_quality``), fitted or not (each fold fits a clone).
    train : DataFrame
        RouterBench-format training rows.
    n_splits : int, default 5
        Folds.
    random_state : int, default 0
        Seed of the shuffle.

    Returns
    -------
    ndarray of shape (len(train), models)
        Out-of-fold predicted scores, columns in the order of ``rbu.models(train)``.

    Raises
    ------
    RouterBenchDataError
        If ``router`` has no ``predict_quality`` or ``train`` has fewer rows than folds.

    Examples
    --------
    >>> oof = out_of_fold_quality(KNNRouter(5), train, n_splits=3)
    >>> oof.shape == (len(train), len(rbu.models(train)))
    True
    """
    from sklearn.base import clone
    from sklearn.model_selection import KFold

    if not hasattr(router, "predict_quality"):
        raise RouterBenchDataError(
            f"router: expected a predictive router with predict_quality (KNN, MLP, SVM, task label), got {router!r}")
    if len(train) < n_splits:
        raise RouterBenchDataError(f"train: {len(train)} rows for {n_splits} folds; expected at least one row per fold")
    names = models(train)
    out = np.zeros((len(train), len(names)))
    for fit_rows, held in KFold(n_splits, shuffle=True, random_state=random_state).split(train):
        fitted = clone(router).fit(train.iloc[fit_rows])
        predicted = pd.DataFrame(fitted.predict_quality(train.iloc[held]), columns=fitted.models_)
        out[held] = predicted.reindex(columns=names).to_numpy()
    return out
