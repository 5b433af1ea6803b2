/*
 * The four nets with Eigen 3.4. Build options:
 *   -DBENCH_EIGEN_FIXED=1        every matrix is fixed-size (dimensions in the type)
 *   -DBENCH_EIGEN_FIXED=0        every matrix is dynamic (MatrixXf-like, sized once at creation)
 *   -DBENCH_BATCH_CONTIGUOUS=1   activations are n x m row-major, the batch contiguous (the
 *                                contract's layout); 0: column-major, each sample's features
 *                                contiguous (Eigen's default order). bench.mk picks, per net, the
 *                                one that measured faster here.
 *   -DEIGEN_NET_TYPE=MlpNet -DEIGEN_NET_NAME='"mlp"'   one net per program (else all four)
 *
 * The weights are Maps onto the flat parameters: W[l] row-major is W[l]^T column-major. Nothing
 * allocates after creation (build with -DEIGEN_RUNTIME_NO_MALLOC and without -DNDEBUG to have
 * Eigen assert it; EIGEN_STACK_ALLOCATION_LIMIT must cover the GEMM blocking buffers of the
 * 784 x 128 layer, or dynamic GEMMs take them from the heap on every call). The SGD update is
 * folded into the weight-gradient product, Wt -= lr A_prev dZ^T, after dA_prev = Wt dZ has used
 * the old W.
 */
#include <Eigen/Dense>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <tuple>

#include "harness.h"

#if !defined(BENCH_EIGEN_FIXED) || !defined(BENCH_BATCH_CONTIGUOUS)
#error "build with -DBENCH_EIGEN_FIXED=0/1 and -DBENCH_BATCH_CONTIGUOUS=0/1"
#endif

namespace {

enum class Act { Linear, Sigmoid, Relu, Softmax };
enum class Loss { Bce, Mse, Ce };

constexpr int dim(int n) { return BENCH_EIGEN_FIXED ? n : Eigen::Dynamic; }

/* Storage order of an R x C matrix; a vector's order is forced (Eigen insists), the bytes are
 * the same either way. */
constexpr int column_major(int R, int C)
{
    return R == 1 && C != 1 ? Eigen::RowMajor : Eigen::ColMajor;
}
constexpr int row_major(int R, int C)
{
    return C == 1 && R != 1 ? Eigen::ColMajor : Eigen::RowMajor;
}

/* Activations (units x samples) in the chosen layout; W^T (In x Out) always column-major. */
template <int R, int C>
using Mat = Eigen::Matrix<float, dim(R), dim(C),
                          BENCH_BATCH_CONTIGUOUS ? row_major(R, C) : column_major(R, C)>;
template <int R, int C>
using WtMat = Eigen::Matrix<float, dim(R), dim(C), column_major(R, C)>;

/* Vectors stay vectors in both builds (a column for biases, a row for per-sample values). */
template <int N>
using Col = Eigen::Matrix<float, dim(N), 1>;
template <int N>
using Row = Eigen::Matrix<float, 1, dim(N), N == 1 ? Eigen::ColMajor : Eigen::RowMajor>;

/* Dense layer In -> Out with activation G, for batches of M. */
template <int In, int Out, Act G, int M>
struct Dense {
    static constexpr int in = In, out = Out;
    static constexpr Act act = G;
    static constexpr long param_count = (long)In * Out + Out;

    Eigen::Map<WtMat<In, Out>> Wt{nullptr, In, Out}; /* W^T, onto the flat parameters */
    Eigen::Map<Col<Out>> b{nullptr, Out};
    Mat<Out, M> Z, A, dZ;                          /* Z is kept for the output layer only */

    void bind(float *params)
    {
        new (&Wt) Eigen::Map<WtMat<In, Out>>(params, In, Out);
        new (&b) Eigen::Map<Col<Out>>(params + (long)In * Out, Out);
        Z.setZero(Out, M);
        A.setZero(Out, M);
        dZ.setZero(Out, M);
    }

    static bool matches(const bench_net *net, int l)
    {
        static const Act acts[] = {Act::Linear, Act::Sigmoid, Act::Relu, Act::Softmax};
        return bench_width(net, l - 1) == In && bench_width(net, l) == Out &&
               acts[net->act[l - 1]] == G && net->batch == M;
    }

    /* Hidden layer: A = g(W A_prev + b), written straight into A. */
    template <typename Prev>
    void forward_hidden(const Prev &prev)
    {
        A.noalias() = Wt.transpose() * prev;
        if constexpr (G == Act::Relu)
            A = (A.colwise() + b).cwiseMax(0.0f);
        else if constexpr (G == Act::Sigmoid)
            A = (A.colwise() + b).array().logistic().matrix();
        else if constexpr (G == Act::Linear)
            A.colwise() += b;
        else
            static_assert(G != Act::Softmax, "softmax only on the output layer");
    }

    /* Output layer: Z = W A_prev + b and A = g(Z); top and sum keep softmax's column max, sum. */
    template <typename Prev, typename PerSample>
    void forward_output(const Prev &prev, PerSample &top, PerSample &sum)
    {
        Z.noalias() = Wt.transpose() * prev;
        Z.colwise() += b;
        if constexpr (G == Act::Softmax) {
            top.noalias() = Z.colwise().maxCoeff();
            A = (Z.rowwise() - top).array().exp().matrix();
            sum.noalias() = A.colwise().sum();
            A.array().rowwise() /= sum.array();
        } else if constexpr (G == Act::Sigmoid) {
            A = Z.array().logistic().matrix();
        } else if constexpr (G == Act::Relu) {
            A = Z.cwiseMax(0.0f);
        } else {
            A = Z;
        }
    }

    /* dZ *= g'(Z), from A: relu' = A > 0, sigmoid' = A (1 - A). */
    void apply_derivative()
    {
        if constexpr (G == Act::Relu)
            dZ = (A.array() > 0.0f).select(dZ, 0.0f);
        else if constexpr (G == Act::Sigmoid)
            dZ.array() *= A.array() * (1.0f - A.array());
        else
            static_assert(G == Act::Linear, "no softmax derivative outside the loss");
    }

    template <typename Prev>
    void update(const Prev &prev, float lr)
    {
        Wt.noalias() -= lr * (prev * dZ.transpose());
        b -= lr * dZ.rowwise().sum();
    }
};

template <Loss Cost, int Inputs, int M, typename... Layers>
struct Net {
    using Tuple = std::tuple<Layers...>;
    static constexpr std::size_t L = sizeof...(Layers);
    using Output = std::tuple_element_t<L - 1, Tuple>;
    static constexpr long param_count = (Layers::param_count + ...);

    Tuple layers;
    Mat<Inputs, M> X;
    Mat<Output::out, M> Y;
    Row<M> top, sum, y_sum; /* per-sample scratch: softmax max and sum, column sums of Y */
    float *params = nullptr;
    float lr = 0;

    template <std::size_t I>
    auto &layer() { return std::get<I>(layers); }

    template <std::size_t I>
    const auto &input()
    {
        if constexpr (I == 0)
            return X;
        else
            return std::get<I - 1>(layers).A;
    }

    template <std::size_t I = 0>
    void bind(float *p)
    {
        layer<I>().bind(p);
        if constexpr (I + 1 < L)
            bind<I + 1>(p + std::tuple_element_t<I, Tuple>::param_count);
    }

    template <std::size_t I = 0>
    bool matches(const bench_net *net)
    {
        if constexpr (I == 0) {
            static const Loss losses[] = {Loss::Bce, Loss::Mse, Loss::Ce};
            if (net->layers != (int)L || net->input != Inputs || losses[net->loss] != Cost)
                return false;
        }
        if (!std::tuple_element_t<I, Tuple>::matches(net, (int)I + 1))
            return false;
        if constexpr (I + 1 < L)
            return matches<I + 1>(net);
        return true;
    }

    template <std::size_t I = 0>
    void forward()
    {
        if constexpr (I + 1 < L) {
            layer<I>().forward_hidden(input<I>());
            forward<I + 1>();
        } else {
            layer<I>().forward_output(input<I>(), top, sum);
        }
    }

    float cost()
    {
        auto &o = layer<L - 1>();
        const float inv_m = 1.0f / (float)M;
        if constexpr (Cost == Loss::Bce) { /* softplus(z) - y z, stably */
            auto z = o.Z.array();
            return inv_m * (z.max(0.0f) - Y.array() * z + (-z.abs()).exp().log1p()).sum();
        } else if constexpr (Cost == Loss::Mse) {
            return inv_m * (o.A - Y).squaredNorm();
        } else { /* sum_j [ (sum_i y_ij) lse_j - sum_i y_ij z_ij ], lse_j = top_j + log sum_j */
            y_sum.noalias() = Y.colwise().sum();
            return inv_m * ((y_sum.array() * (top.array() + sum.array().log())).sum() -
                            (Y.array() * o.Z.array()).sum());
        }
    }

    void output_delta()
    {
        auto &o = layer<L - 1>();
        const float inv_m = 1.0f / (float)M;
        if constexpr (Cost == Loss::Bce) {
            o.dZ = inv_m * (o.A - Y);
        } else if constexpr (Cost == Loss::Ce) {
            y_sum.noalias() = Y.colwise().sum();
            o.dZ = (inv_m * (o.A.array().rowwise() * y_sum.array() - Y.array())).matrix();
        } else {
            o.dZ = (2.0f * inv_m) * (o.A - Y);
            if constexpr (Output::act != Act::Linear)
                o.apply_derivative();
        }
    }

    template <std::size_t I = L - 1>
    void backward_update()
    {
        auto &layer_i = layer<I>();
        if constexpr (I > 0) {
            auto &prev = layer<I - 1>();
            prev.dZ.noalias() = layer_i.Wt * layer_i.dZ;
            prev.apply_derivative();
        }
        layer_i.update(input<I>(), lr);
        if constexpr (I > 0)
            backward_update<I - 1>();
    }

    float train_step()
    {
        forward();
        float J = cost();
        output_delta();
        backward_update();
        return J;
    }
};

/* A check build (-DEIGEN_RUNTIME_NO_MALLOC, without -DNDEBUG) asserts that nothing after create
 * allocates: the benchmark builds use -DNDEBUG, where these calls do nothing. */
static void allow_malloc(bool allowed)
{
#ifdef EIGEN_RUNTIME_NO_MALLOC
    Eigen::internal::set_is_malloc_allowed(allowed);
#else
    (void)allowed;
#endif
}

template <typename N>
void *create(const bench_net *net, const float *params, const float *X, const float *Y)
{
    allow_malloc(true);
    std::unique_ptr<N> n(new N());
    if (!n->matches(net))
        bench_die("%s: the Eigen net type does not match nets.h", net->name);
    n->params = static_cast<float *>(bench_alloc(sizeof(float) * N::param_count));
    std::memcpy(n->params, params, sizeof(float) * N::param_count);
    n->bind(n->params);
    n->lr = (float)net->lr;
    const int m = net->batch, n0 = net->input, nL = net->units[net->layers - 1];
    n->X.setZero(n0, m);
    n->Y.setZero(nL, m);
    for (int i = 0; i < n0; i++)
        for (int j = 0; j < m; j++)
            n->X(i, j) = X[i * m + j];
    for (int i = 0; i < nL; i++)
        for (int j = 0; j < m; j++)
            n->Y(i, j) = Y[i * m + j];
    n->top.setZero(m);
    n->sum.setZero(m);
    n->y_sum.setZero(m);
    bench_info("%s: Eigen %d.%d.%d, %s matrices, activations %s, SIMD: %s", net->name,
               EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION,
               BENCH_EIGEN_FIXED ? "fixed-size" : "dynamic",
               BENCH_BATCH_CONTIGUOUS ? "row-major (batch contiguous)"
                                      : "column-major (sample contiguous)",
               Eigen::SimdInstructionSetsInUse());
    allow_malloc(false);
    return n.release();
}

template <typename N>
void set_params(void *self, const float *params)
{
    std::memcpy(static_cast<N *>(self)->params, params, sizeof(float) * N::param_count);
}

template <typename N>
void forward(void *self) { static_cast<N *>(self)->forward(); }

template <typename N>
double cost(void *self) { return (double)static_cast<N *>(self)->cost(); }

template <typename N>
double train_step(void *self) { return (double)static_cast<N *>(self)->train_step(); }

template <typename N>
void get_params(void *self, double *out)
{
    const float *p = static_cast<N *>(self)->params;
    for (long k = 0; k < N::param_count; k++)
        out[k] = (double)p[k];
}

template <typename N>
void destroy(void *self)
{
    N *n = static_cast<N *>(self);
    std::free(n->params);
    delete n;
}

template <typename N>
bench_adapter adapter(const char *name)
{
    return {name, create<N>, set_params<N>, forward<N>, cost<N>, train_step<N>, get_params<N>,
            destroy<N>};
}

using XorNet = Net<Loss::Bce, 2, 4, Dense<2, 4, Act::Sigmoid, 4>, Dense<4, 1, Act::Sigmoid, 4>>;
using Seed3Net = Net<Loss::Bce, 16, 64, Dense<16, 32, Act::Relu, 64>, Dense<32, 16, Act::Relu, 64>,
                     Dense<16, 1, Act::Sigmoid, 64>>;
using MlpNet = Net<Loss::Ce, 784, 32, Dense<784, 128, Act::Relu, 32>,
                   Dense<128, 64, Act::Relu, 32>, Dense<64, 10, Act::Softmax, 32>>;
using RegNet = Net<Loss::Mse, 8, 32, Dense<8, 64, Act::Relu, 32>, Dense<64, 64, Act::Relu, 32>,
                   Dense<64, 1, Act::Linear, 32>>;

} // namespace

int main(int argc, char **argv)
{
#ifdef EIGEN_NET_TYPE /* one net per program: fixed-size builds compile slowly, so in parallel */
    const bench_adapter adapters[] = {adapter<EIGEN_NET_TYPE>(EIGEN_NET_NAME)};
#else
    const bench_adapter adapters[] = {adapter<XorNet>("xor"), adapter<Seed3Net>("seed3"),
                                      adapter<MlpNet>("mlp"), adapter<RegNet>("reg")};
#endif
    return bench_main(argc, argv, adapters, (int)(sizeof adapters / sizeof *adapters));
}
