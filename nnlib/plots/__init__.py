"""The course's pictures (matplotlib), one module per kind of picture. The core of nnlib never
imports this package. Notebooks use the names here: `from nnlib import plots; plots.digits(...)`.

    style           the one course style: Okabe-Ito palette, line styles, colour maps, use_style()
    network         the network and digits: activations, outputs, costs, nudges, wishes (01, 02, 04)
    descent         cost contours, descent paths, gradient rankings, batch sizes (03, 06)
    activations     chain diagram, activation functions, products through layers, saturation (05, 08)
    training        per-epoch curves, confusion matrices, mistakes, weight images, grids (07, 09)
    generalisation  train/validation curves, weight magnitudes, sweeps, learning curves (10, 11)

Call `use_style()` once at the top of a notebook.
"""
from .style import (COLORS, CYCLE, LINESTYLES, CMAP_DIGIT, CMAP_ACTIVATION, CMAP_SEQUENTIAL,
                    CMAP_DIVERGING, STYLE, use_style, color, linestyle)
from .network import (digits, sigmoid_curve, network_activations, output_vs_target,
                      cost_vs_activation, output_nudges, network_nudges, wishes_matrix, agreement)
from .descent import (cost_contours, path_style, descent_paths, curve_descent, gradient_ranking,
                      gradient_image, batch_size_paths, batch_size_tradeoff, downhill_arrows,
                      batch_color, batch_style, minibatch_gradients)
from .activations import (chain_diagram, activation_pair, products_through_layers, grad_rms_grid,
                          saturation_bars, cost_per_step)
from .generalisation import (train_validation_curves, weight_magnitudes, regularisation_sweep,
                             learning_curve, accuracy_curves, zeros_over_steps, train_test_learning_curve)
from .training import (per_epoch, confusion_counts, confusion_matrix, confident_mistakes,
                       weight_images, train_vs_validation, grid_heatmap, sweep_curves, search_points, lr_sweep)
